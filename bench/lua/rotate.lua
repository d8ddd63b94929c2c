-- Each request takes the next of a list of variants, so that no two consecutive requests on a
-- connection carry the same credentials (S4: Basic that misses the credential cache; S6:
-- token requests). Arguments after wrk's `--`:
--   METHOD PATH header VALUE...   the Authorization header rotates over the VALUEs
--   METHOD PATH body JSON...      the JSON body rotates over the JSONs
-- With `count` as an extra first argument the statuses are counted (response hook).
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "report.lua")

local requests = {}
local next_index = 1
statuses = {}

function init(args)
  local first = 1
  if args[1] == "count" then
    first = 2
    response = function(status, headers, body)
      statuses[status] = (statuses[status] or 0) + 1
    end
  end
  local method, path, kind = args[first], args[first + 1], args[first + 2]
  for i = first + 3, #args do
    if kind == "header" then
      table.insert(requests, wrk.format(method, path, {["Authorization"] = args[i]}))
    else
      table.insert(requests, wrk.format(method, path,
        {["Content-Type"] = "application/json"}, args[i]))
    end
  end
  -- Threads start at different places in the list.
  next_index = math.random(#requests)
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end
