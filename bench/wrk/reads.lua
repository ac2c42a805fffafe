-- GET the paths of BENCH_PATHS round-robin; with BENCH_TOKENS, each request carries a token
-- (round-robin too), so cached pages are served with the caller's overlay.
function request()
  counter = counter + 1
  local path = paths[counter % #paths + 1]
  if #tokens > 0 then
    local token = tokens[counter % #tokens + 1]
    return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
  end
  return wrk.format("GET", path)
end
