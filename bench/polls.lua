-- Each request asks for the next of N conversations of the contact in the URL (the script's
-- argument after "--", 500 without one), over and over: unchanged conversations polled again, as
-- widgets do, and never two identical lookups at once.
local count = 500
local n = 0

init = function(args)
  count = tonumber(args[1]) or count
end

request = function()
  n = n % count + 1
  return wrk.format("GET", wrk.path .. n)
end
