//! The dashboard's routes. Every request passes [`protect`] (its own Host only; the security
//! headers on every answer); pages need the browser session from the one-time link; writes
//! need its CSRF token too. Work that waits on the network or the reader runs off the async
//! workers.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use companion_core::share::Category;
use maud::Markup;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::pages::{self, plan::Notice, Frame};
use super::render;
use super::{guard, lock, App, Locked};
use crate::export;
use crate::overview;
use crate::report::{self, Report};
use crate::shared::{self, Client, Content, Session, SessionError, SuggestionState};
use crate::suggest::{self, Suggestion};
use crate::words;

/// Shares are brought up to date on a page view when the last check is older than this.
const AUTO_REFRESH_MS: i64 = 60_000;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(clients))
        .route("/open", get(open))
        .route("/client/{device}", get(client))
        .route("/client/{device}/plan", get(plan))
        .route("/client/{device}/plan/suggest", post(suggest))
        .route("/client/{device}/consent", get(consent))
        .route("/client/{device}/print", get(print))
        .route("/client/{device}/export/fhir.json", get(fhir))
        .route("/client/{device}/export/{file}", get(csv))
        .route("/refresh", post(refresh))
        .route("/lock", post(lock_now))
        .route("/unlock", post(unlock))
        .route("/invite", post(invite))
        .route("/static/dashboard.css", get(css))
        .route("/static/dashboard.js", get(js))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&app), protect))
        .with_state(app)
}

/// Only this dashboard's own Host; security headers on every answer, refusals included.
async fn protect(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let mut resp =
        if guard::host_ok(req.headers(), app.addr) { next.run(req).await } else { refused(guard::Refusal::WrongHost) };
    guard::secure(resp.headers_mut());
    resp
}

fn refused(r: guard::Refusal) -> Response {
    match r {
        guard::Refusal::WrongHost => {
            (StatusCode::MISDIRECTED_REQUEST, "This dashboard answers only at its own address.").into_response()
        }
        guard::Refusal::NoSession => (StatusCode::UNAUTHORIZED, html(pages::session::need_link())).into_response(),
        guard::Refusal::Forged => {
            (StatusCode::FORBIDDEN, "Refused: this request did not come from the dashboard's own page.").into_response()
        }
    }
}

fn html(m: Markup) -> Response {
    html_text(m.into_string())
}

fn html_text(page: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Run blocking work (the reader's lock, the network) off the async workers.
async fn blocking(f: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|_| {
        (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong; nothing was changed.").into_response()
    })
}

impl App {
    /// The browser session's CSRF token, if the request carries a valid session cookie.
    fn browser(&self, headers: &HeaderMap) -> Option<String> {
        lock(&self.guard).session(headers, &guard::cookie_name(self.addr)).map(|(_, csrf)| csrf)
    }

    /// Run `f` with the unlocked reader and the page frame; the unlock page when locked.
    fn with_session(&self, csrf: &str, here: &str, f: impl FnOnce(&mut Session, &Frame<'_>) -> Response) -> Response {
        if self.lock_if_idle() {
            let why = lock(&self.reader).locked;
            return html(pages::session::unlock(csrf, &self.opts.email, why, None));
        }
        let mut r = lock(&self.reader);
        r.last_use = Instant::now();
        let Some(session) = r.session.as_mut() else {
            return html(pages::session::unlock(csrf, &self.opts.email, None, None));
        };
        let now = shared::now_ms();
        if session.refreshed_ms().is_none_or(|t| now - t > AUTO_REFRESH_MS) {
            // A failed check keeps what was read before; the footer shows when it last worked.
            let _ = session.refresh(now);
        }
        let name = session.account().0.to_string();
        let refreshed = session.refreshed_ms().map(|t| words::moment(t, &overview::local_offset()));
        let frame = Frame {
            csrf,
            clinician: &name,
            lock_after: &words::duration(self.opts.lock_after.as_secs()),
            refreshed,
            here,
        };
        f(session, &frame)
    }

    /// A page: needs the browser session; runs off the async workers.
    async fn page(
        self: Arc<Self>,
        headers: HeaderMap,
        here: String,
        f: impl FnOnce(&mut Session, &Frame<'_>) -> Response + Send + 'static,
    ) -> Response {
        let Some(csrf) = self.browser(&headers) else { return refused(guard::Refusal::NoSession) };
        blocking(move || self.with_session(&csrf, &here, f)).await
    }

    /// A page about one client (the "no such client" page when there is none).
    async fn client_page(
        self: Arc<Self>,
        headers: HeaderMap,
        uri: Uri,
        device: String,
        f: impl FnOnce(&Client, &Frame<'_>) -> Response + Send + 'static,
    ) -> Response {
        self.page(headers, path_of(&uri), move |session, frame| match session.client(&device) {
            Some(c) => f(&c, frame),
            None => no_client(frame),
        })
        .await
    }

    /// A page built from a client's report since the chosen day.
    async fn report_page(
        self: Arc<Self>,
        headers: HeaderMap,
        uri: Uri,
        device: String,
        q: SinceQuery,
        f: impl FnOnce(&Client, &Report, &Frame<'_>) -> Response + Send + 'static,
    ) -> Response {
        self.client_page(headers, uri, device, move |c, frame| match report_of(c, q.since.as_deref(), frame) {
            Ok(r) => f(c, &r, frame),
            Err(resp) => *resp,
        })
        .await
    }

    /// A write: needs the browser session, the same site, and the session's CSRF token.
    fn write_allowed(&self, headers: &HeaderMap, given: &str) -> Result<String, Box<Response>> {
        let Some(csrf) = self.browser(headers) else { return Err(Box::new(refused(guard::Refusal::NoSession))) };
        if !guard::write_ok(headers, self.addr, &csrf, Some(given).filter(|g| !g.is_empty())) {
            return Err(Box::new(refused(guard::Refusal::Forged)));
        }
        Ok(csrf)
    }
}

fn path_of(uri: &Uri) -> String {
    uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into())
}

#[derive(Deserialize)]
struct OpenQuery {
    #[serde(default)]
    secret: String,
}

/// The one-time link: its secret becomes the session cookie, once.
async fn open(State(app): State<Arc<App>>, Query(q): Query<OpenQuery>) -> Response {
    let opened = lock(&app.guard).open(&q.secret);
    match opened {
        Ok(Some(session)) => {
            let mut r = redirect("/");
            r.headers_mut().insert(header::SET_COOKIE, guard::session_cookie(app.addr, &session));
            r
        }
        _ => refused(guard::Refusal::NoSession),
    }
}

async fn clients(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    app.page(headers, path_of(&uri), |session, frame| {
        html_text(render::clients_page(frame, &session.clients(), shared::now_ms(), overview::local_offset()))
    })
    .await
}

fn no_client(frame: &Frame<'_>) -> Response {
    (
        StatusCode::NOT_FOUND,
        html(pages::session::problem(
            Some(frame),
            "No such client",
            "No client with that device id shares anything with you.",
        )),
    )
        .into_response()
}

#[derive(Deserialize, Default)]
struct SinceQuery {
    #[serde(default)]
    since: Option<String>,
}

/// The chosen first day, or the page that says it is not a day.
fn parse_since(since: Option<&str>, frame: &Frame<'_>) -> Result<Option<NaiveDate>, Box<Response>> {
    match since.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| {
            let why = "Choose a day (year-month-day) to show the page from.";
            Box::new(
                (StatusCode::BAD_REQUEST, html(pages::session::problem(Some(frame), "Not a day", why))).into_response(),
            )
        }),
        None => Ok(None),
    }
}

fn range_refused(frame: &Frame<'_>, e: report::RangeError) -> Box<Response> {
    let why = words::capitalised(&e.to_string());
    Box::new(
        (StatusCode::BAD_REQUEST, html(pages::session::problem(Some(frame), "Choose another day", &why)))
            .into_response(),
    )
}

/// The report of one client, or the page that says why not.
fn report_of(client: &Client, since: Option<&str>, frame: &Frame<'_>) -> Result<Report, Box<Response>> {
    let since = parse_since(since, frame)?;
    report::report(client, since, shared::now_ms(), overview::local_offset()).map_err(|e| range_refused(frame, e))
}

async fn client(
    State(app): State<Arc<App>>,
    Path(device): Path<String>,
    Query(q): Query<SinceQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let since = q.since.clone();
    app.report_page(headers, uri, device, q, move |c, r, frame| {
        html_text(render::client_page(frame, c, r, since.as_deref(), shared::now_ms()))
    })
    .await
}

async fn print(
    State(app): State<Arc<App>>,
    Path(device): Path<String>,
    Query(q): Query<SinceQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    app.report_page(headers, uri, device, q, |_, r, frame| html(pages::print::page(frame, r))).await
}

async fn consent(State(app): State<Arc<App>>, Path(device): Path<String>, headers: HeaderMap, uri: Uri) -> Response {
    app.client_page(headers, uri, device, |c, frame| html(pages::consent::page(frame, c, &overview::local_offset())))
        .await
}

#[derive(Deserialize, Default)]
struct PlanQuery {
    #[serde(default)]
    notice: Option<String>,
}

fn plan_page(session: &Session, frame: &Frame<'_>, device: &str, notice: Option<Notice>) -> Response {
    let Some(c) = session.client(device) else { return no_client(frame) };
    let share = c.live(Category::CopingPlan);
    let plan = share.and_then(|s| match &*s.content {
        Content::CopingPlan(p) => Some(p),
        _ => None,
    });
    let view = pages::plan::PlanView {
        device_id: device,
        plan,
        suggestions: share.map(|s| s.suggestions.as_slice()).unwrap_or(&[]),
        notice,
    };
    html(pages::plan::page(frame, &view, &overview::local_offset()))
}

async fn plan(
    State(app): State<Arc<App>>,
    Path(device): Path<String>,
    Query(q): Query<PlanQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    app.page(headers, path_of(&uri), move |session, frame| {
        let notice = match q.notice.as_deref() {
            Some("sent") => Some(Notice::Sent),
            Some("waiting") => Some(Notice::Waiting),
            _ => None,
        };
        plan_page(session, frame, &device, notice)
    })
    .await
}

#[derive(Deserialize)]
struct SuggestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    for_item: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    how: String,
    #[serde(default)]
    crisis_line: Option<String>,
}

impl SuggestForm {
    fn suggestion(&self) -> Option<Suggestion> {
        let text = self.text.clone();
        Some(match self.kind.as_str() {
            "strategy" => {
                Suggestion::Strategy { for_item: Some(self.for_item.clone()).filter(|s| !s.trim().is_empty()), text }
            }
            "warning-sign" => Suggestion::WarningSign { name: text },
            "trigger" => Suggestion::Trigger { name: text },
            "distraction" => Suggestion::Distraction { text },
            "professional" => Suggestion::Professional {
                name: text,
                how: Some(self.how.clone()).filter(|h| !h.trim().is_empty()),
                crisis_line: self.crisis_line.is_some(),
            },
            "environment" => Suggestion::Environment { text },
            "reason" => Suggestion::Reason { text },
            _ => return None,
        })
    }
}

async fn suggest(
    State(app): State<Arc<App>>,
    Path(device): Path<String>,
    headers: HeaderMap,
    Form(form): Form<SuggestForm>,
) -> Response {
    let csrf = match app.write_allowed(&headers, &form.csrf) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let here = format!("/client/{device}/plan");
    blocking(move || {
        app.with_session(&csrf, &here, |session, frame| {
            let Some(c) = session.client(&device) else { return no_client(frame) };
            let Some(share) = c.live(Category::CopingPlan) else {
                return plan_page(
                    session,
                    frame,
                    &device,
                    Some(Notice::Refused("this client does not share a coping plan".into())),
                );
            };
            let Content::CopingPlan(p) = &*share.content else {
                return plan_page(
                    session,
                    frame,
                    &device,
                    Some(Notice::Refused("the coping plan has not arrived yet".into())),
                );
            };
            let made = form
                .suggestion()
                .ok_or_else(|| "choose what to add".to_string())
                .and_then(|s| suggest::edit(p, &s).map_err(|e| e.to_string()));
            let (edit, summary) = match made {
                Ok(m) => m,
                Err(why) => {
                    return (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        plan_page(session, frame, &device, Some(Notice::Refused(why))),
                    )
                        .into_response()
                }
            };
            match session.suggest(share.id, &[edit], summary, shared::now_ms()) {
                Ok(SuggestionState::Sent) => redirect(&format!("/client/{device}/plan?notice=sent")),
                Ok(SuggestionState::Waiting) => redirect(&format!("/client/{device}/plan?notice=waiting")),
                Err(e) => plan_page(session, frame, &device, Some(Notice::Refused(e.to_string()))),
            }
        })
    })
    .await
}

#[derive(Deserialize)]
struct PlainForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
}

/// A path on this dashboard to come back to (never another site).
fn local_path(p: &str) -> &str {
    if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control) {
        p
    } else {
        "/"
    }
}

async fn refresh(State(app): State<Arc<App>>, headers: HeaderMap, Form(form): Form<PlainForm>) -> Response {
    let csrf = match app.write_allowed(&headers, &form.csrf) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let back = local_path(&form.back).to_string();
    blocking(move || {
        app.with_session(&csrf, &back.clone(), |session, frame| match session.refresh(shared::now_ms()) {
            Ok(()) => redirect(&back),
            Err(e) => (
                StatusCode::BAD_GATEWAY,
                html(pages::session::problem(Some(frame), "Could not check for updates", &e.to_string())),
            )
                .into_response(),
        })
    })
    .await
}

async fn lock_now(State(app): State<Arc<App>>, headers: HeaderMap, Form(form): Form<PlainForm>) -> Response {
    if let Err(r) = app.write_allowed(&headers, &form.csrf) {
        return *r;
    }
    app.lock_now();
    let mut r = redirect("/");
    // Whatever a browser may have kept of the pages goes too.
    r.headers_mut().insert("clear-site-data", HeaderValue::from_static("\"cache\""));
    r
}

#[derive(Deserialize)]
struct UnlockForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    passphrase: String,
}

async fn unlock(State(app): State<Arc<App>>, headers: HeaderMap, Form(form): Form<UnlockForm>) -> Response {
    let csrf = match app.write_allowed(&headers, &form.csrf) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let passphrase = Zeroizing::new(form.passphrase.into_bytes());
    blocking(move || {
        if lock(&app.reader).session.is_some() {
            return redirect("/");
        }
        let ticket = lock(&app.reader).ticket.clone();
        match Session::login(app.net, &app.opts.server, &app.opts.email, &passphrase, ticket.as_deref().map(String::as_str)) {
            Ok(s) => {
                let mut r = lock(&app.reader);
                r.session = Some(s);
                r.locked = None;
                r.last_use = Instant::now();
                redirect("/")
            }
            Err(e) => {
                let why = lock(&app.reader).locked;
                let problem = match e {
                    SessionError::Core(companion_core::Error::Network(_)) => {
                        "The sync server could not be reached. Try again in a moment."
                    }
                    SessionError::Core(companion_core::Error::LoginRefused) => {
                        "That passphrase did not unlock your account (or there were too many attempts: wait a few minutes)."
                    }
                    _ => "Your account could not be unlocked just now. Try again in a moment.",
                };
                (
                    StatusCode::UNAUTHORIZED,
                    html(pages::session::unlock(&csrf, &app.opts.email, why.or(Some(Locked::Idle)), Some(problem))),
                )
                    .into_response()
            }
        }
    })
    .await
}

async fn invite(State(app): State<Arc<App>>, headers: HeaderMap, Form(form): Form<PlainForm>) -> Response {
    let csrf = match app.write_allowed(&headers, &form.csrf) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    blocking(move || {
        app.with_session(&csrf, "/", |session, frame| match session.invite() {
            Ok(i) => html(pages::session::invite(frame, &i, session.account().1)),
            Err(e) => {
                (StatusCode::BAD_GATEWAY, html(pages::session::problem(Some(frame), "No invite made", &e.to_string())))
                    .into_response()
            }
        })
    })
    .await
}

fn download(content_type: &'static str, filename: String, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut r = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

fn file_stem(r: &Report) -> String {
    let short: String = r.device_id.chars().filter(char::is_ascii_alphanumeric).take(6).collect();
    format!("client-{short}-{}-to-{}", r.range.from, r.range.to)
}

async fn fhir(
    State(app): State<Arc<App>>,
    Path(device): Path<String>,
    Query(q): Query<SinceQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    app.report_page(headers, uri, device, q, |c, r, frame| {
        let bundle = export::fhir::bundle(r, c, frame.clinician, shared::now_ms());
        match serde_json::to_string_pretty(&bundle) {
            Ok(body) => download("application/fhir+json; charset=utf-8", format!("{}.fhir.json", file_stem(r)), body),
            Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "The export could not be written.").into_response(),
        }
    })
    .await
}

async fn csv(
    State(app): State<Arc<App>>,
    Path((device, file)): Path<(String, String)>,
    Query(q): Query<SinceQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    app.report_page(headers, uri, device, q, move |_, r, frame| {
        let Some(name) = file.strip_suffix(".csv") else { return not_found_page(frame) };
        match export::csv::export(r, name) {
            Ok(body) => download("text/csv; charset=utf-8", format!("{}-{name}.csv", file_stem(r)), body),
            Err(export::csv::CsvError::Unknown) => not_found_page(frame),
            Err(e) => (
                StatusCode::NOT_FOUND,
                html(pages::session::problem(Some(frame), "Nothing to export", &words::capitalised(&e.to_string()))),
            )
                .into_response(),
        }
    })
    .await
}

fn not_found_page(frame: &Frame<'_>) -> Response {
    (StatusCode::NOT_FOUND, html(pages::session::problem(Some(frame), "Not found", "There is no such page.")))
        .into_response()
}

async fn not_found(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if app.browser(&headers).is_none() {
        return refused(guard::Refusal::NoSession);
    }
    (StatusCode::NOT_FOUND, html(pages::session::problem(None, "Not found", "There is no such page."))).into_response()
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("assets/dashboard.css")).into_response()
}

async fn js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("assets/dashboard.js")).into_response()
}
