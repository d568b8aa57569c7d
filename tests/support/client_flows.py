"""The flows the typed clients of a baked project run, as their users would write them.

Each flow is a program in the client's language, written against the
generated code only, that drives a served service and prints a JSON record of
what it saw; it fails (exit status not 0) when an answer is not of the type
the schema promised. The test fills in the ``__PLACEHOLDERS__``.
"""

import json


def filled(template, **values):
    """Return ``template`` with each ``__NAME__`` replaced by ``values[name]`` as a literal."""
    for name, value in values.items():
        template = template.replace(f"__{name.upper()}__", json.dumps(value))
    return template


TYPESCRIPT_CONFIG = {
    "compilerOptions": {
        "strict": True,
        "target": "ES2022",
        "module": "NodeNext",
        "moduleResolution": "NodeNext",
        "lib": ["ES2022", "DOM", "DOM.Iterable"],
        "outDir": "dist",
    },
    "files": ["flow.ts"],
}

# What every TypeScript flow starts with: the client, and a check that fails loudly.
_TYPESCRIPT_PRELUDE = """\
import createClient from "openapi-fetch";
import type { paths } from "./typescript/schema.js";

const baseUrl: string = __BASE_URL__;
const username: string = __USERNAME__;
const password: string = __PASSWORD__;
const seen: Record<string, unknown> = {};

function expect(condition: boolean, what: string, answer?: unknown): void {
  if (!condition) throw new Error(`${what}: ${JSON.stringify(answer)}`);
}

function bearer(access: string): { Authorization: string } {
  return { Authorization: `Bearer ${access}` };
}
"""

TYPESCRIPT_HEADER_FLOW = (
    _TYPESCRIPT_PRELUDE
    + """
const api = createClient<paths>({ baseUrl });

async function login(): Promise<{ access: string; refresh: string }> {
  const { data, error, response } = await api.POST("/api/token/", {
    body: { username, password },
  });
  expect(data !== undefined, `obtain answered ${response.status}`, error);
  return { access: data!.access, refresh: data!.refresh };
}

let { access, refresh } = await login();

const hello = await api.GET("/api/", { headers: bearer(access) });
seen.hello = hello.data?.message;

const me = await api.GET("/api/me/", { headers: bearer(access) });
seen.me = me.data?.username;

const refreshed = await api.POST("/api/token/refresh/", { body: { refresh } });
expect(refreshed.data !== undefined, "refresh", refreshed.error);
access = refreshed.data!.access;
refresh = refreshed.data!.refresh ?? refresh;
seen.refreshed = true;

const other = await login();
const listed = await api.GET("/api/sessions/", { headers: bearer(access) });
expect(listed.data !== undefined, "sessions", listed.error);
const sessions = listed.data!;
seen.sessions = sessions.length;
seen.current = sessions.filter((session) => session.current).length;
// Never 1970: a session not refreshed yet has no date at all.
seen.refreshed_at = sessions.map((session) =>
  session.last_refreshed_at === null ? null : new Date(session.last_refreshed_at).getFullYear(),
);
const otherSession = sessions.find((session) => !session.current);
expect(otherSession !== undefined, "the other session", sessions);

const ended = await api.DELETE("/api/sessions/{session_id}/", {
  params: { path: { session_id: otherSession!.id } },
  headers: bearer(access),
});
seen.ended = ended.response.status;
const endedAgain = await api.DELETE("/api/sessions/{session_id}/", {
  params: { path: { session_id: otherSession!.id } },
  headers: bearer(access),
});
expect(endedAgain.error !== undefined, "ending it again", endedAgain.data);
const notFound: string = endedAgain.error!.detail;
seen.ended_again = [endedAgain.response.status, notFound];
const refusedOther = await api.POST("/api/token/refresh/", { body: { refresh: other.refresh } });
seen.other_refresh = refusedOther.response.status;

const everywhere = await api.POST("/api/token/logout-all/", { headers: bearer(access) });
expect(everywhere.data !== undefined, "logout-all", everywhere.error);
const count: number = everywhere.data!.ended;
seen.logout_all = count;
// Refused at once everywhere (access tokens: by every worker within a second).
const afterAll = await api.POST("/api/token/refresh/", { body: { refresh } });
seen.refresh_after_logout_all = afterAll.response.status;

({ access, refresh } = await login());
const logout = await api.POST("/api/token/blacklist/", {
  body: { refresh },
  headers: bearer(access),
});
seen.logout = logout.response.status;
const afterLogout = await api.POST("/api/token/refresh/", { body: { refresh } });
expect(afterLogout.error !== undefined, "refresh after logout", afterLogout.data);
// Refresh's errors include the 400 of a body that is not valid, whose fields are lists.
const detail: string | string[] = afterLogout.error!.detail;
seen.refresh_after_logout = [afterLogout.response.status, detail];

const wrong = await api.POST("/api/token/", { body: { username, password: "not the password" } });
expect(wrong.error !== undefined, "a wrong password", wrong.data);
const refusal: string | string[] = wrong.error!.detail;
seen.wrong_password = [wrong.response.status, refusal];

console.log(JSON.stringify(seen));
"""
)

TYPESCRIPT_VERIFIER_FLOW = (
    _TYPESCRIPT_PRELUDE
    + """
const access: string = __ACCESS__;
const api = createClient<paths>({ baseUrl });

const hello = await api.GET("/api/", { headers: bearer(access) });
seen.hello = hello.data?.message;
const me = await api.GET("/api/me/", { headers: bearer(access) });
expect(me.data !== undefined, "me", me.error);
seen.me = me.data!.id;
// A verifier knows the user from the token only.
const email: string | null | undefined = me.data!.email;
seen.email = email;

const refused = await api.GET("/api/me/", { headers: bearer(access + "x") });
expect(refused.error !== undefined, "a forged token", refused.data);
const detail: string = refused.error!.detail;
seen.forged = [refused.response.status, detail];
void username;
void password;

console.log(JSON.stringify(seen));
"""
)

# The Python flows import the generated package under the name ``client_package``.
_PYTHON_PRELUDE = """\
import json
import uuid

from client_package import AuthenticatedClient, Client
from client_package.api.hello import root_retrieve
from client_package.api.me import me_retrieve
from client_package.models import Error

base_url = __BASE_URL__
username = __USERNAME__
password = __PASSWORD__
seen = {}


def expect(condition, what, answer=None):
    if not condition:
        raise SystemExit(f"{what}: {answer!r}")


def authenticated(access):
    return AuthenticatedClient(base_url=base_url, token=access)
"""

PYTHON_HEADER_FLOW = (
    _PYTHON_PRELUDE
    + """
from client_package.api.sessions import (
    sessions_destroy,
    sessions_list,
    token_logout_all_create,
)
from client_package.api.token import (
    token_blacklist_create,
    token_create,
    token_refresh_create,
)
from client_package.models import (
    LoggedOutEverywhere,
    TokenBlacklistRequest,
    TokenObtainPair,
    TokenObtainPairRequest,
    TokenRefresh,
    TokenRefreshRequest,
)

anonymous = Client(base_url=base_url)


def login():
    answer = token_create.sync_detailed(
        client=anonymous,
        body=TokenObtainPairRequest(username=username, password=password),
    )
    expect(isinstance(answer.parsed, TokenObtainPair), "obtain", answer)
    return answer.parsed.access, answer.parsed.refresh


access, refresh = login()
seen["hello"] = root_retrieve.sync(client=authenticated(access)).message
seen["me"] = me_retrieve.sync(client=authenticated(access)).username

refreshed = token_refresh_create.sync(
    client=anonymous, body=TokenRefreshRequest(refresh=refresh)
)
expect(isinstance(refreshed, TokenRefresh), "refresh", refreshed)
access = refreshed.access
refresh = refreshed.refresh if isinstance(refreshed.refresh, str) else refresh
seen["refreshed"] = True

_, other_refresh = login()
sessions = sessions_list.sync(client=authenticated(access))
seen["sessions"] = len(sessions)
seen["current"] = sum(session.current for session in sessions)
seen["refreshed_at"] = [
    None if session.last_refreshed_at is None else session.last_refreshed_at.year
    for session in sessions
]
other = next(session for session in sessions if not session.current)
expect(isinstance(other.id, uuid.UUID), "session id", other)
ended = sessions_destroy.sync_detailed(other.id, client=authenticated(access))
seen["ended"] = ended.status_code.value
again = sessions_destroy.sync_detailed(other.id, client=authenticated(access))
expect(isinstance(again.parsed, Error), "ending it again", again)
seen["ended_again"] = [again.status_code.value, again.parsed.detail]
seen["other_refresh"] = token_refresh_create.sync_detailed(
    client=anonymous, body=TokenRefreshRequest(refresh=other_refresh)
).status_code.value

everywhere = token_logout_all_create.sync(client=authenticated(access))
expect(isinstance(everywhere, LoggedOutEverywhere), "logout-all", everywhere)
seen["logout_all"] = everywhere.ended
# Refused at once everywhere (access tokens: by every worker within a second).
seen["refresh_after_logout_all"] = token_refresh_create.sync_detailed(
    client=anonymous, body=TokenRefreshRequest(refresh=refresh)
).status_code.value

access, refresh = login()
logout = token_blacklist_create.sync_detailed(
    client=authenticated(access), body=TokenBlacklistRequest(refresh=refresh)
)
seen["logout"] = logout.status_code.value
after = token_refresh_create.sync_detailed(
    client=anonymous, body=TokenRefreshRequest(refresh=refresh)
)
expect(isinstance(after.parsed, Error), "refresh after logout", after)
seen["refresh_after_logout"] = [after.status_code.value, after.parsed.detail]

wrong = token_create.sync_detailed(
    client=anonymous,
    body=TokenObtainPairRequest(username=username, password="not the password"),
)
expect(isinstance(wrong.parsed, Error), "a wrong password", wrong)
seen["wrong_password"] = [wrong.status_code.value, wrong.parsed.detail]

print(json.dumps(seen))
"""
)

PYTHON_VERIFIER_FLOW = (
    _PYTHON_PRELUDE
    + """
access = __ACCESS__
seen["hello"] = root_retrieve.sync(client=authenticated(access)).message
me = me_retrieve.sync(client=authenticated(access))
seen["me"] = me.id
seen["email"] = me.email
forged = me_retrieve.sync_detailed(client=authenticated(access + "x"))
expect(isinstance(forged.parsed, Error), "a forged token", forged)
seen["forged"] = [forged.status_code.value, forged.parsed.detail]

print(json.dumps(seen))
"""
)

# Outside a browser, a cookie-transport client keeps the cookies itself and names
# its origin: Django checks Origin (or Referer) on HTTPS requests that carry cookies.
TYPESCRIPT_COOKIE_FLOW = (
    _TYPESCRIPT_PRELUDE
    + """
const jar = new Map<string, string>();
const api = createClient<paths>({ baseUrl });
api.use({
  onRequest({ request }) {
    request.headers.set("Origin", baseUrl);
    if (jar.size > 0) {
      request.headers.set("Cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
    }
    return request;
  },
  onResponse({ response }) {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0];
      const equals = pair.indexOf("=");
      jar.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
    return response;
  },
});

function csrf(): { "X-CSRFToken": string } {
  return { "X-CSRFToken": jar.get("csrftoken") ?? "" };
}

async function login(): Promise<string> {
  const { data, error, response } = await api.POST("/api/token/", {
    body: { username, password },
  });
  expect(data !== undefined, `obtain answered ${response.status}`, error);
  return data!.access;
}

let access = await login();
expect(jar.has("refresh_token") && jar.has("csrftoken"), "the cookies of obtain", [...jar.keys()]);

const hello = await api.GET("/api/", { headers: bearer(access) });
seen.hello = hello.data?.message;
const me = await api.GET("/api/me/", { headers: bearer(access) });
seen.me = me.data?.username;

const forgotten = await api.POST("/api/token/refresh/", {});
expect(forgotten.error !== undefined, "a refresh without X-CSRFToken", forgotten.data);
const csrfRefusal: string | string[] = forgotten.error!.detail;
seen.refresh_without_csrf = [forgotten.response.status, csrfRefusal];

const refreshed = await api.POST("/api/token/refresh/", { headers: csrf() });
expect(refreshed.data !== undefined, "refresh", refreshed.error);
access = refreshed.data!.access;
seen.refreshed = true;

await login(); // A second session: its refresh cookie replaces the first one's.
const listed = await api.GET("/api/sessions/", { headers: bearer(access) });
expect(listed.data !== undefined, "sessions", listed.error);
const sessions = listed.data!;
seen.sessions = sessions.length;
seen.current = sessions.filter((session) => session.current).length;
seen.refreshed_at = sessions.map((session) =>
  session.last_refreshed_at === null ? null : new Date(session.last_refreshed_at).getFullYear(),
);
const otherSession = sessions.find((session) => !session.current);
expect(otherSession !== undefined, "the other session", sessions);
const ended = await api.DELETE("/api/sessions/{session_id}/", {
  params: { path: { session_id: otherSession!.id } },
  headers: bearer(access),
});
seen.ended = ended.response.status;
const endedAgain = await api.DELETE("/api/sessions/{session_id}/", {
  params: { path: { session_id: otherSession!.id } },
  headers: bearer(access),
});
expect(endedAgain.error !== undefined, "ending it again", endedAgain.data);
const notFound: string = endedAgain.error!.detail;
seen.ended_again = [endedAgain.response.status, notFound];
const refusedOther = await api.POST("/api/token/refresh/", { headers: csrf() });
seen.other_refresh = refusedOther.response.status;

access = await login();
const everywhere = await api.POST("/api/token/logout-all/", { headers: bearer(access) });
expect(everywhere.data !== undefined, "logout-all", everywhere.error);
const count: number = everywhere.data!.ended;
seen.logout_all = count;
const afterAll = await api.POST("/api/token/refresh/", { headers: csrf() });
seen.refresh_after_logout_all = afterAll.response.status;

access = await login();
const logout = await api.POST("/api/token/blacklist/", {
  headers: { ...bearer(access), ...csrf() },
});
seen.logout = logout.response.status;
const afterLogout = await api.POST("/api/token/refresh/", { headers: csrf() });
expect(afterLogout.error !== undefined, "refresh after logout", afterLogout.data);
const detail: string | string[] = afterLogout.error!.detail;
seen.refresh_after_logout = [afterLogout.response.status, detail];

const wrong = await api.POST("/api/token/", { body: { username, password: "not the password" } });
expect(wrong.error !== undefined, "a wrong password", wrong.data);
const refusal: string | string[] = wrong.error!.detail;
seen.wrong_password = [wrong.response.status, refusal];

console.log(JSON.stringify(seen));
"""
)

PYTHON_COOKIE_FLOW = (
    _PYTHON_PRELUDE
    + '''
from http.cookiejar import CookieJar

import httpx

from client_package.api.sessions import (
    sessions_destroy,
    sessions_list,
    token_logout_all_create,
)
from client_package.api.token import (
    token_blacklist_create,
    token_create,
    token_refresh_create,
)
from client_package.models import (
    AccessToken,
    LoggedOutEverywhere,
    TokenObtainPairRequest,
)

ca_file = __CA_FILE__
jar = CookieJar()


def csrftoken():
    return next((c.value for c in jar if c.name == "csrftoken"), "")


def connection(access=None):
    """A client sharing the cookie jar, naming its origin, with the CSRF token and access."""
    headers = {"Origin": base_url, "X-CSRFToken": csrftoken()}
    if access:
        headers["Authorization"] = f"Bearer {access}"
    client = AuthenticatedClient(base_url=base_url, token=access or "")
    client.set_httpx_client(
        httpx.Client(base_url=base_url, cookies=jar, headers=headers, verify=ca_file)
    )
    return client


def login():
    answer = token_create.sync_detailed(
        client=connection(),
        body=TokenObtainPairRequest(username=username, password=password),
    )
    expect(isinstance(answer.parsed, AccessToken), "obtain", answer)
    return answer.parsed.access


def refresh():
    return token_refresh_create.sync_detailed(client=connection())


access = login()
expect({c.name for c in jar} >= {"refresh_token", "csrftoken"}, "cookies", jar)
seen["hello"] = root_retrieve.sync(client=connection(access)).message
seen["me"] = me_retrieve.sync(client=connection(access)).username

forgotten = connection()
forgotten.get_httpx_client().headers.pop("X-CSRFToken")
refused = token_refresh_create.sync_detailed(client=forgotten)
expect(isinstance(refused.parsed, Error), "a refresh without X-CSRFToken", refused)
seen["refresh_without_csrf"] = [refused.status_code.value, refused.parsed.detail]

refreshed = refresh()
expect(isinstance(refreshed.parsed, AccessToken), "refresh", refreshed)
access = refreshed.parsed.access
seen["refreshed"] = True

login()  # A second session: its refresh cookie replaces the first one's.
sessions = sessions_list.sync(client=connection(access))
seen["sessions"] = len(sessions)
seen["current"] = sum(session.current for session in sessions)
seen["refreshed_at"] = [
    None if session.last_refreshed_at is None else session.last_refreshed_at.year
    for session in sessions
]
other = next(session for session in sessions if not session.current)
expect(isinstance(other.id, uuid.UUID), "session id", other)
seen["ended"] = sessions_destroy.sync_detailed(
    other.id, client=connection(access)
).status_code.value
again = sessions_destroy.sync_detailed(other.id, client=connection(access))
expect(isinstance(again.parsed, Error), "ending it again", again)
seen["ended_again"] = [again.status_code.value, again.parsed.detail]
seen["other_refresh"] = refresh().status_code.value

access = login()
everywhere = token_logout_all_create.sync(client=connection(access))
expect(isinstance(everywhere, LoggedOutEverywhere), "logout-all", everywhere)
seen["logout_all"] = everywhere.ended
seen["refresh_after_logout_all"] = refresh().status_code.value

access = login()
seen["logout"] = token_blacklist_create.sync_detailed(
    client=connection(access)
).status_code.value
after = refresh()
expect(isinstance(after.parsed, Error), "refresh after logout", after)
seen["refresh_after_logout"] = [after.status_code.value, after.parsed.detail]

wrong = token_create.sync_detailed(
    client=connection(),
    body=TokenObtainPairRequest(username=username, password="not the password"),
)
expect(isinstance(wrong.parsed, Error), "a wrong password", wrong)
seen["wrong_password"] = [wrong.status_code.value, wrong.parsed.detail]

print(json.dumps(seen))
'''
)
