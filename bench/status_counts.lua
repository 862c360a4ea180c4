-- wrk script: bench/post.lua's request (BODY_FILE, and TOKEN_FILE when set), with the answers
-- counted by status code, summed over wrk's threads and printed when the run ends.
dofile("bench/post.lua")
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

counts = {}
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do
      total[status] = (total[status] or 0) + n
    end
  end
  local keys = {}
  for status in pairs(total) do table.insert(keys, status) end
  table.sort(keys)
  for _, status in ipairs(keys) do
    io.write(string.format("status %d: %d\n", status, total[status]))
  end
end
