-- Single-mark commands for wrk (bench/http_wrk.py): one wrk thread and one connection a teacher.
--
-- EJOURNAL_WRK_DESKS names a Lua file returning the desks: { {path=, lesson=, token=,
-- students={...}}, ... }. EJOURNAL_WRK_MODE is "own" (thread i writes into desk i's journal with
-- desk i's token) or "random" (each request goes to a desk drawn at random, with that desk's
-- token: two or more connections in one journal at once). Bodies vary: the student turns over
-- the class, the value is drawn from 2..5. Every answer other than 201 is counted, and done()
-- prints one JSON line that the benchmark reads.

local desks = dofile(os.getenv("EJOURNAL_WRK_DESKS"))
local mode = os.getenv("EJOURNAL_WRK_MODE") or "own"
local values = { "2", "3", "4", "5" }

local created = 0
local threads = {}

function setup(thread)
   created = created + 1
   thread:set("id", created)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(id * 7919)
   sent = 0
   wrong = 0
   first_wrong = ""
end

function request()
   sent = sent + 1
   local desk
   if mode == "own" then
      desk = desks[((id - 1) % #desks) + 1]
   else
      desk = desks[math.random(#desks)]
   end
   local student = desk.students[(sent % #desk.students) + 1]
   local body = '{"lesson_id":"' .. desk.lesson .. '","student_id":"' .. student
      .. '","value":"' .. values[math.random(#values)] .. '"}'
   return wrk.format("POST", desk.path, {
      ["Authorization"] = "Bearer " .. desk.token,
      ["Content-Type"] = "application/json",
   }, body)
end

function response(status, headers, body)
   if status ~= 201 then
      wrong = wrong + 1
      if first_wrong == "" then
         first_wrong = tostring(status) .. " " .. string.sub(body or "", 1, 200)
      end
   end
end

function done(summary, latency, requests)
   local not_created = 0
   local example = ""
   for _, thread in ipairs(threads) do
      not_created = not_created + thread:get("wrong")
      local seen = thread:get("first_wrong")
      if example == "" and seen ~= nil then
         example = seen
      end
   end
   local errors = summary.errors
   io.write(string.format(
      '\nEJOURNAL_WRK {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,'
         .. '"max_us":%d,"not_created":%d,"socket_errors":%d,"example":"%s"}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, not_created,
      errors.connect + errors.read + errors.write + errors.timeout,
      string.gsub(example, '["\\\n]', " ")))
end
