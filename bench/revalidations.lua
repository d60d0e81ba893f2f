-- Every request asks for the same conversation (the URL's path ends with "/conversations/") with
-- If-None-Match naming the entity tag the target gave it (the script's argument after "--"): a
-- browser revalidating what it holds, answered 304 without a body.
local tag

init = function(args)
  tag = args[1]
end

request = function()
  return wrk.format("GET", wrk.path .. "1", { ["If-None-Match"] = tag })
end
