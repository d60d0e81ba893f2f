-- Every request asks for the same conversation (the URL's path ends with "/conversations/"):
-- a widget polled from many tabs. Identical lookups in flight share one upstream call.
request = function()
  return wrk.format("GET", wrk.path .. "1")
end
