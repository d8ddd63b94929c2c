-- Shared by every wrk script of bench/run.py: at the end of the run, one line
--   BENCH_JSON {"requests": ..., "durationUs": ..., "errors": {...}, "latencyUs": {...},
--               "statuses": {"200": n, ...}}
-- which run.py parses instead of wrk's human-readable text. "statuses" is filled only by the
-- scripts that count them in a response() hook (a hook makes wrk parse every response, so the
-- plain scenarios go without one and rely on errors.status: wrk's count of statuses >= 400).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function object(t)
  local parts = {}
  for k, v in pairs(t) do
    table.insert(parts, string.format('"%s": %d', tostring(k), v))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    if counted then
      for status, n in pairs(counted) do
        statuses[status] = (statuses[status] or 0) + n
      end
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "durationUs": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latencyUs": {"p50": %d, "p99": %d, ' ..
    '"max": %d}, "statuses": %s}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, object(statuses)))
end
