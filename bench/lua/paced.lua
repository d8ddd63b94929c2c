-- A paced probe (S4): each connection waits PAUSE_MS (first argument after `--`, default 2)
-- before each request, so the probe measures latency under someone else's load instead of
-- adding load of its own.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "report.lua")

local pause_ms = 2

function init(args)
  pause_ms = tonumber(args[1]) or 2
end

function delay()
  return pause_ms
end
