-- Shared by the wrk scripts: random parameters, JSON bodies, base64url,
-- response checks and a machine-readable summary line.
--
-- Each wrk thread has its own Lua state; `setup` runs in the main state and
-- hands every thread an id (for its random seed) and keeps the threads so
-- that `done` can add up their counters.

local M = {}

M.relations = 10000   -- number of synthetic relations (wrk arg 1)
M.actors = 100        -- major actors synth-e0 .. synth-e99

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

-- base64url without padding.
function M.b64url(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local chars = 2 + (b and 1 or 0) + (c and 1 or 0)
    for j = 0, chars - 1 do
      local idx = math.floor(n / 2 ^ (18 - 6 * j)) % 64
      out[#out + 1] = B64:sub(idx + 1, idx + 1)
    end
  end
  return table.concat(out)
end

function M.actor()
  return "synth-e" .. math.random(0, M.actors - 1)
end

-- Two different major actors.
function M.two_actors()
  local a = math.random(0, M.actors - 1)
  local b = (a + math.random(1, M.actors - 1)) % M.actors
  return "synth-e" .. a, "synth-e" .. b
end

function M.relation_key()
  return "synth-r" .. math.random(0, M.relations - 1)
end

-- A random day in 1960-01-01 .. 2020-12-31 as {y, m, d} (days 1-28, so every
-- month has them and the year after has the same day).
function M.ymd()
  return math.random(1960, 2020), math.random(1, 12), math.random(1, 28)
end

function M.date(y, m, d)
  return string.format("%04d-%02d-%02d", y, m, d)
end

-- The JSON body of a GraphQL request. `query` must hold no double quote or
-- backslash; `vars` is a list of {name, string value} pairs (no quotes in
-- the values either: they are slugs, keys, dates and base64url ids).
function M.body(query, vars)
  local parts = {}
  for _, kv in ipairs(vars) do
    parts[#parts + 1] = string.format('"%s":"%s"', kv[1], kv[2])
  end
  return string.format('{"query":"%s","variables":{%s}}', query, table.concat(parts, ","))
end

M.headers = { ["Content-Type"] = "application/json" }

function M.post(body)
  return wrk.format("POST", "/graphql", M.headers, body)
end

-- Installs setup/init/response/done globals; `make_body` builds one
-- request body; `expect` is a plain string every good response holds (so
-- that a null `node` or an empty `data` counts as bad, not as fast).
-- Installs the `setup` global: every thread gets an id (`tid`, for its
-- random seed) and is kept in the returned list, so that `done` can add up
-- the threads' counters.
function M.track_threads()
  local threads = {}
  local next_id = 0
  setup = function(thread)
    next_id = next_id + 1
    thread:set("tid", next_id)
    table.insert(threads, thread)
  end
  return threads
end

function M.install(make_body, expect)
  local threads = M.track_threads()

  init = function(args)
    if args[1] then M.relations = tonumber(args[1]) end
    math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
    non200, gql_errors, no_data = 0, 0, 0
  end

  request = function()
    return M.post(make_body())
  end

  response = function(status, headers, body)
    if status ~= 200 then
      non200 = non200 + 1
    elseif body:find('"errors"', 1, true) then
      gql_errors = gql_errors + 1
    elseif not body:find(expect, 1, true) then
      no_data = no_data + 1
    end
  end

  done = function(summary, latency, requests)
    local bad_status, errors, missing = 0, 0, 0
    for _, t in ipairs(threads) do
      bad_status = bad_status + (t:get("non200") or 0)
      errors = errors + (t:get("gql_errors") or 0)
      missing = missing + (t:get("no_data") or 0)
    end
    local e = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.2f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f "
        .. "non200=%d graphql_errors=%d no_data=%d socket_errors=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, bad_status, errors, missing,
      e.connect + e.read + e.write + e.timeout))
  end
end

return M
