-- POST a sign-up of a new user on every request (a repeated address would
-- take the cheaper "account exists" path).
-- Arguments after --: a prefix no earlier run used, and the password.
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  prefix = args[1] .. "t" .. thread_index .. "n"
  password = args[2]
  sent = 0
end

function request()
  sent = sent + 1
  local name = prefix .. sent
  local body = '{"username": "' .. name .. '", "email": "' .. name
    .. '@example.com", "password": "' .. password .. '"}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
