-- mod_keycloak_logout: Keycloak's sign-outs reach running meetings.
--
-- Part of keycloak-jitsi (see its README, "Sign-outs reach running meetings"). Load it on the
-- VirtualHost where participants sign in with tokens (authentication = "token"). It serves
-- POST /keycloak-logout, where Keycloak sends OpenID Connect Back-Channel Logout tokens: its own
-- (a user's logout, an admin's "Sign out") and the keycloak-jitsi bundle's (user disabled or
-- deleted, host role taken away, invitation revoked). A logout token that passes every check
--   * removes every participant who joined with a token of that SSO session (sid) or of that user
--     (sub, read as context.user.id of each session's own token) or of that invitation (guests'
--     context.user.id "guest:<invitation id>:...") issued up to the sign-out (the bundle's tokens
--     say when Keycloak decided: signed_out_at; else their iat) from every room, and closes their connection --
--     every connection that signed in with such a token, whether it has bound a resource yet or not;
--   * refuses those tokens for keycloak_logout_remember seconds: at the next login (jitsi-meet's
--     "jitsi-access-ban-check" and "post-jitsi-authentication" events of mod_auth_token), at
--     resource binding and at joining a room of the MUC components.
-- Anything else removes nobody and gets 400 (415 for a body that is no form, 413 for a body larger
-- than a logout token can be, 405 for a method other than POST). Needs luaossl (Debian:
-- lua-luaossl), which jitsi-meet's token plugin needs too.

local async = require "util.async";
local http = require "net.http";
local json = require "util.json";
local promise = require "util.promise";
local sha256 = require "util.hashes".sha256;
local st = require "util.stanza";
local base64_decode = require "util.encodings".base64.decode;
local formdecode = require "util.http".formdecode;

local have_ossl, pkey = pcall(require, "openssl.pkey");
local digest = have_ossl and require "openssl.digest";

local BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
local GUEST_PREFIX = "guest:";

local issuers = module:get_option_array("keycloak_logout_issuers", module:get_option_array("asap_accepted_issuers", {}));
local certs_url = module:get_option_string("keycloak_logout_certs_url", module:get_option_string("cache_keys_url"));
local audiences = module:get_option_set("keycloak_logout_audiences", { "jitsi", "jitsi-join" });
-- How long a signed-out user's, session's or invitation's earlier tokens are refused: the longest
-- lifetime of a token the realm issues for Jitsi (room tokens: at most 86400 s).
local remember = module:get_option_number("keycloak_logout_remember", 86400);
-- A logout token older than this (by its iat) is refused: Keycloak's live two minutes.
local max_age = module:get_option_number("keycloak_logout_max_age", 300);
local clock_skew = module:get_option_number("keycloak_logout_clock_skew", 30);
local certs_refresh = module:get_option_number("keycloak_logout_certs_refresh", 3600);
-- A /certs fetch without an answer after this many seconds is dropped (the next one may start).
local certs_timeout = module:get_option_number("keycloak_logout_certs_timeout", 5);
-- At most one /certs fetch this often (seconds), whatever the outcome of the last one.
local CERTS_MIN_INTERVAL = 10;
-- A logout token is well under 2 KB; a body larger than this is refused before it is read as a form.
local MAX_BODY = 8192;
-- Handlers run before other modules' (Prosody stops at the first one that answers).
local PRIORITY = 100;
local muc_components = module:get_option_array("keycloak_logout_muc_components", {
	module:get_option_string("main_muc"), module:get_option_string("lobby_muc") });
local reason_text = module:get_option_string("keycloak_logout_reason", "Signed out");

if not have_ossl then
	module:log("error", "mod_keycloak_logout needs luaossl (Debian: apt-get install lua-luaossl); not enabled");
	return;
end
if #issuers == 0 or not certs_url then
	module:log("error", "mod_keycloak_logout needs the realm's issuer (asap_accepted_issuers or keycloak_logout_issuers) "
		.. "and its keys (cache_keys_url or keycloak_logout_certs_url); not enabled");
	return;
end
for _, issuer in ipairs(issuers) do
	if issuer == "*" then
		module:log("error", "mod_keycloak_logout: issuer '*' would take logout tokens of any issuer; set keycloak_logout_issuers");
		return;
	end
end

local now = os.time;

-- ---------------------------------------------------------------------------------------------
-- Encodings

local function unb64url(s)
	if type(s) ~= "string" or not s:match("^[A-Za-z0-9_-]*$") then
		return nil;
	end
	local padded = s:gsub("-", "+"):gsub("_", "/");
	padded = padded .. string.rep("=", (4 - #padded % 4) % 4);
	return base64_decode(padded);
end

local function json_object(s)
	if not s then return nil; end
	local ok, value = pcall(json.decode, s);
	if ok and type(value) == "table" then
		return value;
	end
	return nil;
end

-- DER of an RSA public key (SubjectPublicKeyInfo) from a JWK's n and e, for luaossl.
local function der_length(n)
	if n < 128 then return string.char(n); end
	local bytes = "";
	while n > 0 do
		bytes = string.char(n % 256) .. bytes;
		n = math.floor(n / 256);
	end
	return string.char(0x80 + #bytes) .. bytes;
end

local function der(tag, content)
	return string.char(tag) .. der_length(#content) .. content;
end

local function der_integer(bytes)
	bytes = bytes:gsub("^%z+", "");
	if bytes == "" or bytes:byte(1) >= 0x80 then
		bytes = "\0" .. bytes;
	end
	return der(0x02, bytes);
end

local RSA_ENCRYPTION = der(0x30, der(0x06, "\42\134\72\134\247\13\1\1\1") .. "\5\0");

local function rsa_public_key(n, e)
	local ok, key = pcall(pkey.new, der(0x30, RSA_ENCRYPTION .. der(0x03, "\0" .. der(0x30, der_integer(n) .. der_integer(e)))), "DER");
	if ok then return key; end
	return nil;
end

-- ---------------------------------------------------------------------------------------------
-- The realm's keys (/protocol/openid-connect/certs): RSA signing keys by kid.

local keys = {};
local last_fetch_at = -math.huge;   -- when the last fetch started, whatever its outcome
local fetching = nil;               -- the promise of the fetch in flight

local function read_jwks(body)
	local jwks = json_object(body);
	if not jwks or type(jwks.keys) ~= "table" then
		return nil;
	end
	local found = {};
	for _, jwk in ipairs(jwks.keys) do
		if type(jwk) == "table" and jwk.kty == "RSA" and type(jwk.kid) == "string"
				and (jwk.use == nil or jwk.use == "sig") and (jwk.alg == nil or jwk.alg == "RS256") then
			local n, e = unb64url(jwk.n), unb64url(jwk.e);
			local key = n and e and #n >= 256 and rsa_public_key(n, e);
			if key then
				found[jwk.kid] = key;
			end
		end
	end
	return found;
end

-- Fetches the keys, one fetch at a time; callers inside an HTTP request wait for it. A fetch that
-- has no answer after certs_timeout seconds is given up (and its connection closed), so a hung
-- Keycloak or proxy never freezes the keys.
local function fetch_keys()
	if fetching then return fetching; end
	last_fetch_at = now();
	local settled = false;
	local request;
	local this_fetch = promise.new(function (resolve)
		local function settle(found)
			if settled then return; end
			settled = true;
			fetching = nil;
			resolve(found);
		end
		module:add_timer(certs_timeout, function ()
			if settled then return; end
			module:log("warn", "No answer from %s within %s s: gave up; the keys stay as they were", certs_url, tostring(certs_timeout));
			settle(nil);
			if type(request) == "table" and request.cancel then
				request.cancel(request, "timeout");
			elseif type(request) == "table" and request.conn then
				request.conn:close();
			end
		end);
		request = http.request(certs_url, { headers = { Accept = "application/json" } }, function (body, code)
			if settled then return; end
			local found = code == 200 and read_jwks(body);
			if found then
				keys = found;
				module:log("debug", "Read the realm's keys from %s", certs_url);
			elseif code == 0 then
				module:log("warn", "Could not fetch the realm's keys from %s: %s", certs_url, tostring(body));
			else
				module:log("warn", "Could not read the realm's keys from %s (HTTP %s)", certs_url, tostring(code));
			end
			settle(found or nil);
		end);
	end);
	if not settled then
		fetching = this_fetch;
	end
	return this_fetch;
end

module:add_timer(0, function ()
	fetch_keys();
	return certs_refresh;
end);

-- The key for a kid. An unknown kid (a new realm key) waits for the fetch in flight, or starts one
-- if none started in the last 10 seconds: at most one fetch every 10 s, however many tokens come.
local function key_for(kid)
	local key = keys[kid];
	if key == nil then
		if fetching then
			async.wait_for(fetching);
		elseif now() - last_fetch_at >= CERTS_MIN_INTERVAL then
			async.wait_for(fetch_keys());
		end
		key = keys[kid];
	end
	return key;
end

-- ---------------------------------------------------------------------------------------------
-- What was signed out: kept (and stored, so a restart keeps refusing) until `remember` has passed.

-- Each entry is its own record (Prosody's keyval store, one record per sign-out or logout token id:
-- a small file each with the default file storage, a row each with SQL), so taking a token writes
-- one or two small records, however many sign-outs are remembered.
local store = module:open_store("keycloak_logout_entries");
local signed_out = {
	sids = {},   -- sid -> { sub = the logout token's sub or nil, ["until"] = ... }
	subs = {},   -- user id or "guest:<invitation id>" -> { at = iat, ["until"] = ... }
	jtis = {},   -- jti of each logout token taken -> until its exp has passed (no replay after a restart)
};
local used_jtis = signed_out.jtis;

local function record_name(kind, key)
	return sha256(kind .. "\0" .. key, true);
end

local function save(kind, key, entry)
	local ok, err = store:set(record_name(kind, key), entry and { kind = kind, key = key, entry = entry } or nil);
	if not ok then
		module:log("warn", "Could not store a sign-out: %s", tostring(err));
	end
end

local function until_of(kind, entry)
	if kind == "jtis" then return entry; end
	return type(entry) == "table" and entry["until"] or nil;
end

do
	local t = now();
	local names, ended = {}, {};
	if store.users then
		for name in store:users() do
			names[#names + 1] = name;
		end
	end
	for _, name in ipairs(names) do
		local record = store:get(name);
		local kind = type(record) == "table" and record.kind;
		local till = kind and signed_out[kind] and until_of(kind, record.entry);
		if type(till) == "number" and till >= t and type(record.key) == "string" then
			signed_out[kind][record.key] = record.entry;
		else
			ended[#ended + 1] = name;
		end
	end
	for _, name in ipairs(ended) do
		store:set(name, nil);
	end
	-- What earlier versions of this module kept in one record.
	local old_store = module:open_store("keycloak_logout");
	local old = old_store:get("signed_out");
	if type(old) == "table" then
		for kind, entries in pairs(old) do
			if signed_out[kind] and type(entries) == "table" then
				for key, entry in pairs(entries) do
					if kind == "sids" and type(entry) == "number" then entry = { ["until"] = entry }; end
					local till = until_of(kind, entry);
					if type(key) == "string" and type(till) == "number" and till >= t then
						signed_out[kind][key] = entry;
						save(kind, key, entry);
					end
				end
			end
		end
		old_store:set("signed_out", nil);
	end
end

module:add_timer(60, function ()
	local t = now();
	for kind, entries in pairs(signed_out) do
		for key, entry in pairs(entries) do
			if until_of(kind, entry) < t then
				entries[key] = nil;
				save(kind, key, nil);
			end
		end
	end
	return 60;
end);

-- ---------------------------------------------------------------------------------------------
-- Who a session is: read from its own token (mod_auth_token has verified it; it keeps the raw
-- token in session.auth_token and context.user in session.jitsi_meet_context_user).

local function token_facts(session)
	local token = session.auth_token;
	if type(token) ~= "string" then return nil; end
	if session.keycloak_logout_token == token then
		return session.keycloak_logout_facts;
	end
	local payload = json_object(unb64url(token:match("^[^.]*%.([^.]*)%.")));
	local facts = nil;
	if payload then
		local user = session.jitsi_meet_context_user;
		if type(user) ~= "table" then
			user = type(payload.context) == "table" and payload.context.user or nil;
		end
		local id = type(user) == "table" and type(user.id) == "string" and user.id or payload.sub;
		facts = {
			user = type(id) == "string" and id or nil,
			sid = type(payload.sid) == "string" and payload.sid or nil,
			iat = tonumber(payload.iat) or 0,
		};
	end
	session.keycloak_logout_token, session.keycloak_logout_facts = token, facts;
	return facts;
end

-- "guest:<invitation id>" for a guest's user id "guest:<invitation id>:<random>".
local function invitation_of(user)
	return user and user:match("^(" .. GUEST_PREFIX .. "[^:]+):") or nil;
end

-- A user's (or an invitation's) sign-out takes only tokens issued up to it (logout.at): not those of
-- someone who signed in again since, when a sign-out arrives late or is tried again.
local function matches(logout, facts)
	if not facts then return false; end
	if logout.sid then
		return facts.sid == logout.sid and (logout.sub == nil or facts.user == logout.sub);
	end
	return facts.user ~= nil and (facts.user == logout.sub or invitation_of(facts.user) == logout.sub)
		and facts.iat <= logout.at;
end

-- Why a token may not be used any more, or nil. The same rule as matches(): a session's sign-out
-- that also names a user refuses that user's tokens of that session only.
local function refusal(facts)
	if not facts then return nil; end
	local t = now();
	local session_entry = facts.sid and signed_out.sids[facts.sid];
	if session_entry and session_entry["until"] >= t and (session_entry.sub == nil or session_entry.sub == facts.user) then
		return "signed out (session)";
	end
	for _, key in ipairs({ facts.user, invitation_of(facts.user) }) do
		local entry = key and signed_out.subs[key];
		if entry and entry["until"] >= t and facts.iat <= entry.at then
			return "signed out";
		end
	end
	return nil;
end

-- The connections of this host that signed in with a token, bound or not yet (weak: a connection
-- that has gone leaves by itself). Kept across a reload of the module.
local tokened = setmetatable({}, { __mode = "k" });

function module.save()
	return { tokened = tokened };
end

function module.restore(data)
	for session in pairs(type(data) == "table" and data.tokened or {}) do
		tokened[session] = true;
	end
end

module:hook("authentication-success", function (event)
	local session = event.session;
	if type(session.auth_token) == "string" then
		tokened[session] = true;
	end
end, PRIORITY);

local function close_later(session)
	module:add_timer(0, function ()
		session:close({ condition = "not-authorized", text = reason_text });
	end);
end

-- jitsi-meet's mod_auth_token asks this after verifying a token: false refuses the login.
module:hook_global("jitsi-access-ban-check", function (session)
	local why = refusal(token_facts(session));
	if why then
		module:log("info", "Refused a token at login: %s", why);
		return false;
	end
end, PRIORITY);

-- The same for jitsi-meet versions whose mod_auth_token has no ban check.
module:hook_global("post-jitsi-authentication", function (session)
	local why = refusal(token_facts(session));
	if why then
		return { res = false, error = "not-allowed", reason = why };
	end
end, PRIORITY);

-- A connection that signed in before a sign-out and binds after it (a sign-out closes such a
-- connection; this holds also for one the module never saw sign in, e.g. loaded later).
module:hook("pre-resource-bind", function (event)
	local session = event.session;
	local why = refusal(token_facts(session));
	if why then
		module:log("info", "Refused a resource binding: %s", why);
		event.error = { type = "cancel", condition = "not-allowed", text = reason_text };
		close_later(session);
		return false;
	end
end, PRIORITY);

-- Joining a room of a MUC component, for the same reason.
local function refuse_join(event)
	local origin = event.origin;
	local why = type(origin) == "table" and refusal(token_facts(origin));
	if why then
		module:log("info", "Refused a room join: %s", why);
		origin.send(st.error_reply(event.stanza, "cancel", "not-allowed", reason_text, event.room and event.room.jid));
		close_later(origin);
		return true;
	end
end

local muc_hooked = {};
local function hook_muc(host)
	if muc_hooked[host] or not prosody.hosts[host] then return; end
	muc_hooked[host] = true;
	module:context(host):hook("muc-occupant-pre-join", refuse_join, PRIORITY);
end
for _, component in ipairs(muc_components) do
	hook_muc(component);
end
module:hook_global("host-activated", function (host)
	for _, component in ipairs(muc_components) do
		if component == host then
			muc_hooked[host] = nil;
			hook_muc(host);
		end
	end
end);

-- ---------------------------------------------------------------------------------------------
-- Removing participants

-- Every connection whose token the logout token names: those that signed in on this host (bound
-- or not yet) and every bound one.
local function matching_sessions(logout)
	local matched, count = {}, 0;
	local function consider(session)
		if not matched[session] and session.auth_token and matches(logout, token_facts(session)) then
			matched[session] = true;
			count = count + 1;
		end
	end
	for session in pairs(tokened) do
		consider(session);
	end
	for _, session in pairs(prosody.full_sessions) do
		consider(session);
	end
	return matched, count;
end

local function remove_participants(logout)
	local matched, count = matching_sessions(logout);
	if count == 0 then return 0; end
	local jids = {};
	for session in pairs(matched) do
		if session.full_jid then jids[session.full_jid] = true; end
	end
	for _, component in ipairs(muc_components) do
		local host = prosody.hosts[component];
		local muc = host and host.modules.muc;
		if muc and next(jids) then
			for room in muc.each_room(true) do
				local kicks = {};
				for nick, occupant in room:each_occupant() do
					for real_jid in occupant:each_session() do
						if jids[real_jid] then
							kicks[#kicks + 1] = nick;
							break;
						end
					end
				end
				for _, nick in ipairs(kicks) do
					room:set_role(true, nick, "none", reason_text);
				end
			end
		end
	end
	for session in pairs(matched) do
		tokened[session] = nil;
		session:close({ condition = "not-authorized", text = reason_text });
	end
	return count;
end

local function remember_logout(logout)
	local till = now() + remember;
	if logout.sid then
		local entry = { sub = logout.sub, ["until"] = till };
		signed_out.sids[logout.sid] = entry;
		save("sids", logout.sid, entry);
	else
		local before = signed_out.subs[logout.sub];
		local entry = { at = math.max(logout.at, before and before.at or 0), ["until"] = till };
		signed_out.subs[logout.sub] = entry;
		save("subs", logout.sub, entry);
	end
end

-- ---------------------------------------------------------------------------------------------
-- Checking a logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6)

-- A NumericDate as a whole number of seconds (JSON may say 1e400, which reads as infinity).
local function is_time(value)
	return type(value) == "number" and value == value and value > -2^53 and value < 2^53 and value % 1 == 0;
end

local function check(token)
	local header_b64, payload_b64, signature_b64 = token:match("^([A-Za-z0-9_-]+)%.([A-Za-z0-9_-]+)%.([A-Za-z0-9_-]+)$");
	if not header_b64 then
		return nil, "logout_token is not a signed JWT";
	end
	local header = json_object(unb64url(header_b64));
	if not header then return nil, "unreadable header"; end
	if header.alg ~= "RS256" then return nil, "alg must be RS256"; end
	if type(header.typ) ~= "string" or header.typ:lower() ~= "logout+jwt" then return nil, "typ must be logout+jwt"; end
	if header.crit ~= nil then return nil, "crit is not supported"; end
	if type(header.kid) ~= "string" then return nil, "kid missing"; end
	local key = key_for(header.kid);
	if not key then return nil, "unknown kid"; end
	local signature = unb64url(signature_b64);
	local ok, valid = pcall(key.verify, key, signature or "", digest.new("sha256"):update(header_b64 .. "." .. payload_b64));
	if not ok or valid ~= true then return nil, "bad signature"; end

	local claims = json_object(unb64url(payload_b64));
	if not claims then return nil, "unreadable claims"; end
	local issuer_ok = false;
	for _, issuer in ipairs(issuers) do
		if claims.iss == issuer then issuer_ok = true; end
	end
	if not issuer_ok then return nil, "wrong issuer"; end
	local aud_ok = false;
	if type(claims.aud) == "string" then
		aud_ok = audiences:contains(claims.aud);
	elseif type(claims.aud) == "table" then
		for _, aud in ipairs(claims.aud) do
			if type(aud) == "string" and audiences:contains(aud) then aud_ok = true; end
		end
	end
	if not aud_ok then return nil, "wrong audience"; end
	local t = now();
	if not is_time(claims.iat) then return nil, "iat missing or not a whole number"; end
	if claims.iat > t + clock_skew or claims.iat < t - max_age then return nil, "iat too old or in the future"; end
	if not is_time(claims.exp) then return nil, "exp missing or not a whole number"; end
	if claims.exp + clock_skew <= t then return nil, "expired"; end
	if type(claims.jti) ~= "string" or claims.jti == "" then return nil, "jti missing"; end
	if type(claims.events) ~= "table" or type(claims.events[BACKCHANNEL_LOGOUT_EVENT]) ~= "table" then
		return nil, "not a back-channel logout event";
	end
	if claims.nonce ~= nil then return nil, "nonce not allowed"; end
	local sub = claims.sub;
	local sid = claims.sid;
	if (sub ~= nil and (type(sub) ~= "string" or sub == "")) or (sid ~= nil and (type(sid) ~= "string" or sid == "")) then
		return nil, "sub and sid must be strings";
	end
	if sub == nil and sid == nil then return nil, "sub or sid missing"; end
	-- When Keycloak decided (the bundle's tokens say so, and keep it when they are sent again later;
	-- Keycloak's own are sent at once): tokens issued up to then are signed out, none issued later.
	local at = claims.iat;
	if claims.signed_out_at ~= nil then
		if not is_time(claims.signed_out_at) or claims.signed_out_at > claims.iat then
			return nil, "signed_out_at must be a whole number, not after iat";
		end
		at = claims.signed_out_at;
	end
	if used_jtis[claims.jti] then return nil, "jti already used"; end
	used_jtis[claims.jti] = claims.exp + clock_skew;
	save("jtis", claims.jti, used_jtis[claims.jti]);
	return { sub = sub, sid = sid, iat = claims.iat, at = at };
end

local function answer(response, code, error_code, description)
	response.status_code = code;
	response.headers.cache_control = "no-store";
	if not error_code then
		return "";
	end
	response.headers.content_type = "application/json";
	return json.encode({ error = error_code, error_description = description });
end

local function handle_logout(event)
	local request, response = event.request, event.response;
	local body = request.body or "";
	if #body > MAX_BODY then
		return answer(response, 413, "invalid_request", "A logout token fits in " .. MAX_BODY .. " bytes");
	end
	-- The media type exactly, parameters (charset) after a ';' allowed.
	local media_type = (request.headers.content_type or ""):lower():match("^%s*([^;]-)%s*$")
		or (request.headers.content_type or ""):lower():match("^%s*([^;]-)%s*;");
	if media_type ~= "application/x-www-form-urlencoded" then
		return answer(response, 415, "invalid_request", "Send logout_token as application/x-www-form-urlencoded");
	end
	local form = formdecode(body);
	local tokens = 0;
	for _, field in ipairs(type(form) == "table" and form or {}) do
		if field.name == "logout_token" then tokens = tokens + 1; end
	end
	if tokens ~= 1 or type(form.logout_token) ~= "string" then
		return answer(response, 400, "invalid_request", "Send exactly one logout_token");
	end
	local logout, why = check(form.logout_token);
	if not logout then
		module:log("warn", "Refused a logout token: %s", why);
		return answer(response, 400, "invalid_request", "Logout token refused: " .. why);
	end
	remember_logout(logout);
	local removed = remove_participants(logout);
	module:log("info", "Keycloak signed out %s: %d connection(s) removed",
		logout.sid and "a session" or invitation_of((logout.sub or "") .. ":") and "an invitation" or "a user", removed);
	module:log("debug", "Signed out: sid %s, sub %s", tostring(logout.sid), tostring(logout.sub));
	return answer(response, 200);
end

local function not_allowed(event)
	event.response.headers.allow = "POST";
	return answer(event.response, 405, "invalid_request", "POST only");
end

module:depends("http");
module:provides("http", {
	name = "keycloak-logout";
	-- Keycloak calls it server to server: no browser page needs to read its answers.
	cors = { enabled = false };
	route = {
		["POST"] = handle_logout;
		["GET"] = not_allowed;
		["PUT"] = not_allowed;
		["DELETE"] = not_allowed;
	};
});
