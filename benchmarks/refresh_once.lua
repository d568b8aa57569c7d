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
  tokens = {}
  local line_index = 0
  for line in io.lines(args[1]) do
    if line_index % threads == thread_index then
      tokens[#tokens + 1] = line
    end
    line_index = line_index + 1
  end
  next_token = 1
end

function request()
  local token = tokens[next_token] or tokens[1]
  next_token = next_token + 1
  local body = '{"refresh": "' .. token .. '"}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
