-- wrk script: sends each request prepared by `bench-counter` once (a resent redemption would be
-- a cheap replay, a resent code a refusal). Each wrk thread takes every Nth line of the file.
-- Counts answers by status; any status but 200/201 is printed at the end.
--   BENCH_REQUESTS=file wrk -t2 -c64 -d10s -s scripts/counter.lua http://127.0.0.1:PORT

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests, next_request, statuses, exhausted = {}, 0, {}, 0
  local i = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if i % tonumber(os.getenv("BENCH_THREADS") or "2") == id then
      local path, key, idem, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = { ["Content-Type"] = "application/json", ["X-Api-Key"] = key }
      if idem ~= "-" then headers["Idempotency-Key"] = idem end
      table.insert(requests, wrk.format("POST", path, headers, body))
    end
    i = i + 1
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
