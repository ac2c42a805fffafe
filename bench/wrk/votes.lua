-- POST /api/votes from many distinct users: cycles through the (token, project) pairs of
-- BENCH_PAIRS (never the voter's own project). Votes toggle, so a repeated pair removes or flips
-- the vote: every request is a write that moves counters, scores, karma and the feed cache.
function request()
  counter = counter + 1
  local pair = pairs_[counter % #pairs_ + 1]
  local kind = (math.random() < 0.85) and "up" or "down"
  local body = '{"project_id":"' .. pair.project .. '","vote_type":"' .. kind .. '"}'
  return wrk.format("POST", "/api/votes", json_headers(pair.token), body)
end
