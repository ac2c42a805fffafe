-- The mixed workload: 90% reads with Zipf popularity over projects (feed pages, project detail,
-- comment trees, profiles), 8% votes and comments, 2% other writes (view and share counters),
-- from the users of BENCH_PAIRS (report.py issues 500 tokens: 500 simulated users; a connection
-- acts for a different user on every request). Reads are anonymous half of the time.
-- BENCH_PATHS lists project ids (most popular first) as "/p/<id>" lines and profile paths.
projects = {}
profiles = {}
for _, path in ipairs(paths) do
  local id = path:match("^/p/(%S+)$")
  if id then projects[#projects + 1] = id else profiles[#profiles + 1] = path end
end
local feeds = {"/api/projects", "/api/projects?page=2", "/api/projects?sort=top_rated",
               "/api/projects?sort=newest", "/api/projects/leaderboard"}

function request()
  local roll = math.random()
  local pair = pairs_[math.random(#pairs_)]
  local id = projects[zipf(#projects)]
  if roll < 0.90 then
    local token = (math.random() < 0.5) and pair.token or nil
    local headers = token and {["Authorization"] = "Bearer " .. token} or {}
    local kind = math.random()
    local path
    if kind < 0.35 then path = feeds[zipf(#feeds)]
    elseif kind < 0.75 then path = "/api/projects/" .. id
    elseif kind < 0.90 then path = "/api/projects/" .. id .. "/comments"
    else path = profiles[zipf(#profiles)] end
    return wrk.format("GET", path, headers)
  elseif roll < 0.96 then
    -- a vote: report.py draws the pairs' projects with Zipf popularity, never the voter's own
    local kind = (math.random() < 0.85) and "up" or "down"
    local body = '{"project_id":"' .. pair.project .. '","vote_type":"' .. kind .. '"}'
    return wrk.format("POST", "/api/votes", json_headers(pair.token), body)
  elseif roll < 0.98 then
    local body = '{"project_id":"' .. id .. '","content":"Benchmark comment: nice work."}'
    return wrk.format("POST", "/api/comments", json_headers(pair.token), body)
  else
    local what = (math.random() < 0.5) and "/view" or "/share"
    return wrk.format("POST", "/api/projects/" .. id .. what, json_headers(pair.token))
  end
end
