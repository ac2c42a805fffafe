-- Shared by every scenario (bench/report.py prepends it): input files, per-thread seeding, and a
-- machine-readable summary line with the percentiles wrk's text output lacks (p95).
--   BENCH_PATHS   a file of request paths, one per line (read scenarios)
--   BENCH_TOKENS  a file of access tokens, one per line (authenticated scenarios)
--   BENCH_PAIRS   a file of "token project_id" lines (writes: never one's own project)

local function lines(name)
  local out = {}
  local path = os.getenv(name)
  if path == nil or path == "" then return out end
  for line in io.lines(path) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end

paths = lines("BENCH_PATHS")
tokens = lines("BENCH_TOKENS")
pairs_ = {}
for _, line in ipairs(lines("BENCH_PAIRS")) do
  local token, project = line:match("^(%S+)%s+(%S+)$")
  pairs_[#pairs_ + 1] = {token = token, project = project}
end

local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
end

function init(args)
  math.randomseed((thread_id or 1) * 7919 + os.time())
  counter = (thread_id or 1) * 104729
end

-- Zipf-like rank in 1..n (rank 1 is the most popular): inverse-CDF of a 1/x density.
function zipf(n)
  return math.min(n, math.floor(math.exp(math.random() * math.log(n + 1))))
end

function json_headers(token)
  local h = {["Content-Type"] = "application/json"}
  if token then h["Authorization"] = "Bearer " .. token end
  return h
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p75_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
