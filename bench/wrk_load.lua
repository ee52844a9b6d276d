-- wrk script for bench/http_bench.py: requests the paths listed in a file (one per line), every
-- connection's thread taking a disjoint stride of them; with "revalidate", each thread sends the ETag
-- it last got for a path. Prints one JSON line at the end (requests, seconds, errors, p50/p99 ms, 304s).
--   wrk -t2 -c8 -d8s -s bench/wrk_load.lua http://127.0.0.1:8000 -- paths.txt [revalidate]

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  revalidate = args[2] == "revalidate"
  stride = tonumber(args[3] or "1")
  position = id
  etags = {}
  not_modified = 0
  accept = { ["Accept"] = "application/sparql-results+json" }
end

function request()
  local path = paths[(position % #paths) + 1]
  position = position + stride
  last = path
  if revalidate and etags[path] then
    return wrk.format("GET", path, { ["Accept"] = accept["Accept"], ["If-None-Match"] = etags[path] })
  end
  return wrk.format("GET", path, accept)
end

function response(status, headers, body)
  if status == 304 then
    not_modified = not_modified + 1
  end
  if revalidate then
    local tag = headers["etag"] or headers["ETag"]
    if tag then
      etags[last] = tag
    end
  end
end

function done(summary, latency, requests)
  local answered_304 = 0
  for _, thread in ipairs(threads) do
    answered_304 = answered_304 + (thread:get("not_modified") or 0)
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
                 + summary.errors.timeout
  io.write(string.format('WRK {"requests": %d, "seconds": %f, "errors": %d, "p50": %f, "p99": %f, "not_modified": %d}\n',
    summary.requests, summary.duration / 1e6, errors, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    answered_304))
end
