-- wrk script: sends the requests listed in BENCH_REQUESTS, one per line:
--   METHOD \t PATH \t HEADERS \t BODY      HEADERS `Name: value|Name: value` or `-`, BODY or `-`
-- Each wrk thread takes every Nth line (N = BENCH_THREADS, default 2), so a list of one-time
-- requests (counter codes, Idempotency-Keys) is sent once; a list shorter than N is sent by
-- every thread. Past the end a thread starts again and counts a wrap: for one-time lists a wrap
-- means the run outlasted its requests (a resent redemption is a cheap replay).
-- Counts answers by status and prints them at the end:
--   statuses 200=N 429=M; request list wrapped K times
--   BENCH_REQUESTS=file wrk -t2 -c64 -d10s -s bench/requests.lua http://127.0.0.1:PORT

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function parse(line)
  local method, path, head, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
  local headers = {}
  if head ~= "-" then
    for name, value in head:gmatch("([^|:]+):%s*([^|]*)") do headers[name] = value end
  end
  if body == "-" then
    body = nil
  else
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(method, path, headers, body)
end

function init(args)
  requests, next_request, statuses, exhausted = {}, 0, {}, 0
  local n = tonumber(os.getenv("BENCH_THREADS") or "2")
  local lines = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do table.insert(lines, line) end
  for i, line in ipairs(lines) do
    if #lines < n or (i - 1) % n == id then table.insert(requests, parse(line)) end
  end
end

function request()
  next_request = next_request + 1
  if next_request > #requests then
    exhausted = exhausted + 1
    next_request = 1
  end
  return requests[next_request]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals, wrapped = {}, 0
  for _, thread in ipairs(threads) do
    wrapped = wrapped + thread:get("exhausted")
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(totals) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write(string.format("statuses %s; request list wrapped %d times\n", table.concat(parts, " "), wrapped))
end
