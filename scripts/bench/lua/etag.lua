-- Dashboards that poll: GET requests for a fixed set of dashboard URLs,
-- either in full or revalidated with If-None-Match (answered 304).
-- Usage: wrk ... -s etag.lua URL -- FILE full|revalidate
-- FILE holds one "PATH<TAB>ETAG" line per dashboard URL.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local threads = dofile(dir .. "common.lua").track_threads()

init = function(args)
  paths, tags = {}, {}
  for line in io.lines(args[1]) do
    local path, tag = line:match("^([^\t]+)\t(.+)$")
    if path then
      paths[#paths + 1] = path
      tags[#tags + 1] = tag
    end
  end
  revalidate = args[2] == "revalidate"
  want = revalidate and 304 or 200
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  bad = 0
end

request = function()
  local i = math.random(1, #paths)
  local headers = { ["Accept"] = "application/json" }
  if revalidate then headers["If-None-Match"] = tags[i] end
  return wrk.format("GET", paths[i], headers)
end

response = function(status, headers, body)
  if status ~= want then bad = bad + 1 end
end

done = function(summary, latency, requests)
  local wrong = 0
  for _, t in ipairs(threads) do wrong = wrong + (t:get("bad") or 0) end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.2f p50_ms=%.3f p99_ms=%.3f wrong_status=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, wrong, e.connect + e.read + e.write + e.timeout))
end
