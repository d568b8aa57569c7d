-- POST every refresh token of a file once (rotation makes each single-use).
-- Arguments after --: the file (one token a line) and wrk's thread count.
-- Each thread takes every n-th line, so no two requests share a token; when a
-- thread runs out it sends a spent token, which shows as a non-2xx response.
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local threads = tonumber(args[2])
  -- Each request is formatted here, before the load: wrk runs on the same
  -- cores as the servers, and formatting one per request cost it about 15 µs
  -- of CPU a request that the article's fixed body does not cost.
  requests = {}
  local line_index = 0
  for line in io.lines(args[1]) do
    if line_index % threads == thread_index then
      local body = '{"refresh": "' .. line .. '"}'
      requests[#requests + 1] =
        wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
    end
    line_index = line_index + 1
  end
  next_request = 1
end

function request()
  local formatted = requests[next_request] or requests[1]
  next_request = next_request + 1
  return formatted
end
