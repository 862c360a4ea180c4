-- wrk script: POST a JSON body read from BODY_FILE with the bearer token from TOKEN_FILE.
local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end
wrk.method = "POST"
wrk.body = read(os.getenv("BODY_FILE"))
wrk.headers["Content-Type"] = "application/json"
local token_file = os.getenv("TOKEN_FILE")
if token_file and token_file ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. read(token_file):gsub("%s+$", "")
end
