-- wrk script of bench/auth. Arguments after wrk's `--`:
--   plain                   requests without a token
--   token FILE              every request carries the token on FILE's first line
--   fresh FILE THREADS      a different token on each request: thread K of THREADS sends
--                           lines K, K + THREADS, K + 2 * THREADS, ... of FILE in turn and
--                           starts over at the end, so that no token comes back before the
--                           whole file has gone by
-- Every request is built once, in init. The response hook counts statuses, since wrk itself
-- only counts non-2xx answers; done() prints one line:
--   statuses: 2xx N, other M [CODE:COUNT ...]

local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
   thread:set("thread_number", #threads)
end

local prepared = {}
local position = 0
-- Globals, so that done() can read them from each thread.
succeeded = 0
refused = {}

function init(args)
   local mode, file, thread_count = args[1], args[2], tonumber(args[3] or "1")
   local function with_token(token)
      return wrk.format("GET", wrk.path,
         { Host = wrk.headers["Host"], Authorization = "Bearer " .. token })
   end
   if mode == "plain" then
      prepared[1] = wrk.format("GET", wrk.path)
   elseif mode == "token" then
      for line in io.lines(file) do
         prepared[1] = with_token(line)
         break
      end
   elseif mode == "fresh" then
      local number = 0
      for line in io.lines(file) do
         if number % thread_count == thread_number - 1 then
            prepared[#prepared + 1] = with_token(line)
         end
         number = number + 1
      end
   else
      error("mode must be plain, token or fresh, not " .. tostring(mode))
   end
   assert(#prepared > 0, "no token in " .. tostring(file))
end

function request()
   position = position % #prepared + 1
   return prepared[position]
end

function response(status, headers, body)
   if status >= 200 and status < 300 then
      succeeded = succeeded + 1
   else
      refused[status] = (refused[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local ok, other, by_status = 0, 0, {}
   for _, thread in ipairs(threads) do
      ok = ok + thread:get("succeeded")
      for status, count in pairs(thread:get("refused")) do
         by_status[status] = (by_status[status] or 0) + count
         other = other + count
      end
   end
   local details = {}
   for status, count in pairs(by_status) do
      details[#details + 1] = status .. ":" .. count
   end
   table.sort(details)
   io.write(string.format("statuses: 2xx %d, other %d %s\n", ok, other,
      table.concat(details, " ")))
end
