-- wrk script: GET with the bearer token from TOKEN_FILE.
local f = assert(io.open(os.getenv("TOKEN_FILE"), "rb"))
wrk.headers["Authorization"] = "Bearer " .. f:read("*a"):gsub("%s+$", "")
f:close()
