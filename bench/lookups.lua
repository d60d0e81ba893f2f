-- Each request asks for another conversation of the contact in the URL (its path ends with
-- "/conversations/"), so that no two lookups are identical and none can share another's call.
local n = 0

request = function()
  n = n + 1
  return wrk.format("GET", wrk.path .. n)
end
