-- The same request over and over (the URL and any -H header given to wrk); only the report.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "report.lua")
