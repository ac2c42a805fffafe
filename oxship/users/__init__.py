"""Users: public profiles, profile edits, typeahead, dashboard counters."""
