-- TEST ONLY: a stand-in for jitsi-meet's mod_auth_token (not in any package registry), for the
-- integration tests of mod_keycloak_logout in Debian's Prosody. Never install it anywhere else.
--
-- What it does, as jitsi-meet's mod_auth_token with token/util.lib.lua does it:
--   * takes the token from the `token` query parameter of the BOSH or WebSocket URL
--     ("bosh-session" / "websocket-session"), keeps it in session.auth_token;
--   * at SASL ANONYMOUS checks it: RS256 signature with a kid listed at cache_keys_url (the
--     realm's /certs), iss in asap_accepted_issuers, aud one of asap_accepted_audiences (a single
--     string), exp and nbf without leeway, sub present; a refused token ends the login;
--   * keeps what util.lib.lua keeps: jitsi_meet_room (room), jitsi_meet_domain (sub),
--     jitsi_meet_context_user, _group, _features (from context);
--   * then fires what mod_auth_token fires, in its order: "jitsi-access-ban-check" (false refuses),
--     "pre-jitsi-authentication", "post-jitsi-authentication" ({ res = false } refuses).
-- What it does not: HS256 / app_secret, asap_key_server, the room check of token_verification on
-- joining (the tests' rooms are open), stream resumption, c2s-session-updated.

local async = require "util.async";
local http = require "net.http";
local json = require "util.json";
local formdecode = require "util.http".formdecode;
local base64_decode = require "util.encodings".base64.decode;
local generate_uuid = require "util.uuid".generate;
local new_sasl = require "util.sasl".new;
local sasl = require "util.sasl";
local pkey = require "openssl.pkey";
local digest = require "openssl.digest";
local x509 = require "openssl.x509";

local issuers = module:get_option_array("asap_accepted_issuers", {});
local audiences = module:get_option_set("asap_accepted_audiences", {});
local keys_url = module:get_option_string("cache_keys_url");
local host = module.host;

local function unb64url(s)
	if type(s) ~= "string" or not s:match("^[A-Za-z0-9_-]*$") then return nil; end
	local padded = s:gsub("-", "+"):gsub("_", "/");
	return base64_decode(padded .. string.rep("=", (4 - #padded % 4) % 4));
end

local function decode(s)
	local ok, v = pcall(json.decode, s or "");
	return ok and type(v) == "table" and v or nil;
end

-- Keycloak lists each RSA key with its certificate (x5c): the public key is read from it.
local keys = {};
local function load_keys()
	return http.request(keys_url):next(function (response)
		local found = {};
		for _, jwk in ipairs((decode(response.body) or {}).keys or {}) do
			if jwk.kty == "RSA" and jwk.kid and type(jwk.x5c) == "table" and jwk.x5c[1] then
				local pem = "-----BEGIN CERTIFICATE-----\n" .. jwk.x5c[1] .. "\n-----END CERTIFICATE-----\n";
				local ok, cert = pcall(x509.new, pem, "PEM");
				if ok then found[jwk.kid] = cert:getPublicKey(); end
			end
		end
		keys = found;
	end);
end
module:add_timer(0, function () load_keys(); end);

local function verify(token)
	local h, p, s = (token or ""):match("^([A-Za-z0-9_-]+)%.([A-Za-z0-9_-]+)%.([A-Za-z0-9_-]+)$");
	if not h then return nil, "bad token format"; end
	local header, claims = decode(unb64url(h)), decode(unb64url(p));
	if not header or not claims then return nil, "bad token format"; end
	if header.typ ~= "JWT" or header.alg ~= "RS256" or type(header.kid) ~= "string" then return nil, "bad header"; end
	local key = keys[header.kid];
	if not key then
		async.wait_for(load_keys());
		key = keys[header.kid];
	end
	if not key then return nil, "could not obtain public key"; end
	if not key:verify(unb64url(s) or "", digest.new("sha256"):update(h .. "." .. p)) then return nil, "signature"; end
	local t = os.time();
	if type(claims.exp) == "number" and t >= claims.exp then return nil, "expired"; end
	if type(claims.nbf) == "number" and t < claims.nbf then return nil, "not yet valid"; end
	local iss_ok = false;
	for _, iss in ipairs(issuers) do if iss == claims.iss then iss_ok = true; end end
	if not iss_ok then return nil, "Invalid issuer ('iss' claim)"; end
	if type(claims.aud) ~= "string" or not audiences:contains(claims.aud) then return nil, "Invalid audience ('aud' claim)"; end
	if claims.sub == nil then return nil, "sub claim is missing"; end
	return claims;
end

local function init_session(event)
	local query = event.request.url.query;
	local params = query and formdecode(query);
	event.session.auth_token = type(params) == "table" and params.token or nil;
end
module:hook_global("bosh-session", init_session);
module:hook_global("websocket-session", init_session);

local provider = {};
function provider.test_password() return nil, "Password based auth not supported"; end
function provider.get_password() return nil; end
function provider.set_password() return nil, "Set password not supported"; end
function provider.user_exists() return nil; end
function provider.create_user() return nil; end
function provider.delete_user() return nil; end

function provider.get_sasl_handler(session)
	local function check(self, message)
		local claims, why = verify(session.auth_token);
		if not claims then
			session.auth_token = nil;
			return false, "not-allowed", why;
		end
		session.jitsi_meet_room = claims.room;
		session.jitsi_meet_domain = claims.sub;
		if type(claims.context) == "table" then
			session.jitsi_meet_context_user = claims.context.user;
			session.jitsi_meet_context_group = claims.context.group;
			session.jitsi_meet_context_features = claims.context.features;
		end
		if prosody.events.fire_event("jitsi-access-ban-check", session) == false then
			session.auth_token = nil;
			return false, "not-allowed", "user is banned";
		end
		local custom = prosody.events.fire_event("pre-jitsi-authentication", session);
		self.username = custom or message;
		local post = prosody.events.fire_event("post-jitsi-authentication", session);
		if post ~= nil and post.res == false then
			session.auth_token = nil;
			return post.res, post.error, post.reason;
		end
		return true;
	end
	return new_sasl(host, { anonymous = check });
end

module:provides("auth", provider);

-- As jitsi-meet does: Prosody's own ANONYMOUS mechanism would retry a refused login forever.
sasl.registerMechanism("ANONYMOUS", { "anonymous" }, function (self, message)
	local result, err, msg = self.profile.anonymous(self, generate_uuid(), self.realm);
	if result == true then
		return "success";
	end
	return "failure", err, msg;
end);
