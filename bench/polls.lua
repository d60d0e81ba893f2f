-- Each request asks for the next of 500 conversations of the contact in the URL, over and over:
-- unchanged conversations polled again, as widgets do, and never two identical lookups at once.
local n = 0

request = function()
  n = n % 500 + 1
  return wrk.format("GET", wrk.path .. n)
end
