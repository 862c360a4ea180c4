-- wrk script: POST a JSON body read from BODY_FILE with the token from TOKEN_FILE, sent as
-- "Authorization: <AUTH_SCHEME> <token>" (AUTH_SCHEME: Bearer unless set, Splunk for HEC).
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
  local scheme = os.getenv("AUTH_SCHEME") or "Bearer"
  wrk.headers["Authorization"] = scheme .. " " .. read(token_file):gsub("%s+$", "")
end
