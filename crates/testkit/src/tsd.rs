//! A small stand-in for the TSD file API on 127.0.0.1, for upload tests:
//! `PUT …/files/stream/{file}`, the resumable `PATCH …?chunk=N&id=…` and
//! `?chunk=end`, `GET …/files/resumables/{file}?id=…`, `HEAD` and the
//! listing of `…/files/stream/{group}`, with the answers the real API
//! gives (`tsd-file-api`), and faults to inject: connections cut mid-body,
//! answers lost after the work was done, a refused token, a captive portal.
//! One request per connection (`Connection: close`); it stops when dropped.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub const TOKEN: &str = "test-token-7c1e";

/// Faults, each counting down as it is used.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Upload requests (PUT or PATCH with a body) cut after half their body.
    pub cut_bodies: usize,
    /// Requests whose work is done but whose answer is never sent.
    pub lose_answers: usize,
    /// Only chunk requests with this number are hit by the faults above.
    pub only_chunk: Option<String>,
    /// Answer every request 401.
    pub refuse_token: bool,
    /// Answer every request 200 with a log-in page.
    pub portal: bool,
    /// HEAD is not allowed (405): clients must use the listing.
    pub no_head: bool,
    /// Store files one byte short.
    pub truncate: bool,
    /// The groups the token's user is a member of (`None`: any group);
    /// an upload to another group answers 403, as the real server does.
    pub member_of: Option<Vec<String>>,
    /// Uploads (PUT) answer this status with the real server's empty
    /// `text/html` error body, e.g. "400 Bad Request".
    pub put_status: Option<String>,
    /// Uploads answer 201 but the file is not kept where HEAD and the
    /// listing look (as when uploads go to an import area and checks read
    /// an export area).
    pub forget_files: bool,
    /// Listings give this many files per page (`None`: 100, the real
    /// server's page size), with `page` naming the next page.
    pub per_page: Option<usize>,
}

#[derive(Default)]
struct Resumable {
    name: String,
    data: Vec<u8>,
    max_chunk: u64,
    chunk_size: u64,
}

#[derive(Default)]
pub struct State {
    pub faults: Faults,
    /// (group, file name) → bytes.
    pub files: HashMap<(String, String), Vec<u8>>,
    resumables: HashMap<String, Resumable>,
    next_id: u64,
    /// Method and path-with-query of every request seen.
    pub log: Vec<String>,
}

pub struct Server {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Server {
    pub fn start(faults: Faults) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            faults,
            ..Default::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (Arc::clone(&state), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let st = Arc::clone(&st);
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                    let _ = handle(conn, &st);
                });
            }
        });
        Server {
            url,
            state,
            stop,
            thread: Some(thread),
        }
    }

    pub fn file(&self, group: &str, name: &str) -> Option<Vec<u8>> {
        let s = self.state.lock().unwrap();
        s.files.get(&(group.to_owned(), name.to_owned())).cloned()
    }

    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }
}

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    headers: HashMap<String, String>,
    target: String,
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn read_request(r: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let (path, q) = target.split_once('?').unwrap_or((&target, ""));
    let query = q
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), decode(v)))
        .collect();
    Some(Request {
        method,
        path: path.to_owned(),
        query,
        headers,
        target: target.clone(),
    })
}

fn respond(conn: &mut TcpStream, status: &str, ctype: &str, body: &str, extra: &str) {
    let _ = write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.flush();
}

/// How the real server answers an error: an empty body, `text/html`.
fn error(conn: &mut TcpStream, status: &str) {
    respond(conn, status, "text/html; charset=UTF-8", "", "");
}

fn json(conn: &mut TcpStream, status: &str, body: serde_json::Value) {
    respond(
        conn,
        status,
        "application/json; charset=UTF-8",
        &body.to_string(),
        "",
    );
}

fn handle(conn: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut conn = conn;
    let Some(req) = read_request(&mut reader) else {
        return Ok(());
    };
    let len: usize = req
        .headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut s = state.lock().unwrap();
    s.log.push(format!("{} {}", req.method, req.target));
    if s.faults.portal {
        drop(s);
        let mut sink = vec![0u8; len];
        let _ = reader.read_exact(&mut sink);
        respond(
            &mut conn,
            "200 OK",
            "text/html",
            "<html><body><h1>Welcome to Guest Wi-Fi</h1><form>Log in</form></body></html>",
            "",
        );
        return Ok(());
    }
    let hit = req
        .query
        .get("chunk")
        .map_or(s.faults.only_chunk.is_none(), |c| {
            s.faults.only_chunk.as_deref().is_none_or(|o| o == c)
        });
    if len > 0 && hit && s.faults.cut_bodies > 0 {
        s.faults.cut_bodies -= 1;
        drop(s);
        let mut half = vec![0u8; len / 2];
        let _ = reader.read_exact(&mut half);
        let _ = conn.shutdown(Shutdown::Both);
        return Ok(());
    }
    drop(s);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    let mut s = state.lock().unwrap();
    if s.faults.refuse_token
        || req.headers.get("authorization").map(String::as_str) != Some(&format!("Bearer {TOKEN}"))
    {
        drop(s);
        json(
            &mut conn,
            "401 Unauthorized",
            serde_json::json!({"message": "Authorization failed"}),
        );
        return Ok(());
    }
    let lose = hit && s.faults.lose_answers > 0;
    if lose {
        s.faults.lose_answers -= 1;
    }
    let parts: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    // v1 / pNN / files / (stream|resumables) / …
    if parts.len() < 4 || parts[0] != "v1" || parts[2] != "files" {
        drop(s);
        json(
            &mut conn,
            "404 Not Found",
            serde_json::json!({"message": "not found"}),
        );
        return Ok(());
    }
    let project = parts[1].to_owned();
    let default_group = format!("{project}-member-group");
    let mut rest: Vec<String> = parts[4..].iter().map(|p| decode(p)).collect();
    // The current form names the group in the path: stream/{group}/{file}.
    let in_path =
        (matches!(req.method.as_str(), "PUT" | "PATCH") && rest.len() == 2).then(|| rest.remove(0));
    let group = in_path
        .or_else(|| req.query.get("group").cloned())
        .unwrap_or(default_group);
    let writes = matches!(req.method.as_str(), "PUT" | "PATCH");
    if writes
        && s.faults
            .member_of
            .as_ref()
            .is_some_and(|m| !m.contains(&group))
    {
        drop(s);
        error(&mut conn, "403 Forbidden");
        return Ok(());
    }
    let (status, answer): (&str, Option<serde_json::Value>) = match (
        req.method.as_str(),
        parts[3],
        rest.as_slice(),
    ) {
        ("PUT", "stream", [_]) if s.faults.put_status.is_some() => {
            let status = s.faults.put_status.clone().unwrap_or_default();
            drop(s);
            error(&mut conn, &status);
            return Ok(());
        }
        ("PUT", "stream", [name]) => {
            let mut data = body;
            if s.faults.truncate {
                data.pop();
            }
            if !s.faults.forget_files {
                s.files.insert((group, name.clone()), data);
            }
            (
                "201 Created",
                Some(serde_json::json!({"message": "data streamed"})),
            )
        }
        ("PATCH", "stream", [name]) => {
            let chunk = req.query.get("chunk").cloned().unwrap_or_default();
            let id = req.query.get("id").cloned();
            match (chunk.as_str(), id) {
                ("1", None) => {
                    s.next_id += 1;
                    let id = format!("upload-{}", s.next_id);
                    s.resumables.insert(
                        id.clone(),
                        Resumable {
                            name: name.clone(),
                            chunk_size: body.len() as u64,
                            data: body,
                            max_chunk: 1,
                        },
                    );
                    (
                        "201 Created",
                        Some(
                            serde_json::json!({"filename": name, "id": id, "max_chunk": 1, "key": null}),
                        ),
                    )
                }
                ("end", Some(id)) => match s.resumables.remove(&id) {
                    Some(r) if &r.name == name => {
                        let mut data = r.data;
                        if s.faults.truncate {
                            data.pop();
                        }
                        if !s.faults.forget_files {
                            s.files.insert((group, name.clone()), data);
                        }
                        (
                            "201 Created",
                            Some(
                                serde_json::json!({"filename": name, "id": id, "max_chunk": "end", "key": null}),
                            ),
                        )
                    }
                    _ => ("400 Bad Request", None),
                },
                (n, Some(id)) => {
                    let n: u64 = n.parse().unwrap_or(0);
                    match s.resumables.get_mut(&id) {
                        Some(r) if r.max_chunk + 1 == n && &r.name == name => {
                            r.data.extend_from_slice(&body);
                            r.max_chunk = n;
                            (
                                "201 Created",
                                Some(
                                    serde_json::json!({"filename": name, "id": id, "max_chunk": n, "key": null}),
                                ),
                            )
                        }
                        _ => (
                            "400 Bad Request",
                            Some(serde_json::json!({"message": "chunk_order_incorrect"})),
                        ),
                    }
                }
                _ => ("400 Bad Request", None),
            }
        }
        ("GET", "resumables", []) => {
            let list: Vec<serde_json::Value> = s
                .resumables
                .iter()
                .map(|(id, r)| {
                    serde_json::json!({
                        "filename": r.name, "id": id, "max_chunk": r.max_chunk,
                        "chunk_size": r.chunk_size,
                        "previous_offset": r.data.len() as u64 - r.chunk_size.min(r.data.len() as u64),
                        "next_offset": r.data.len(), "md5sum": null
                    })
                })
                .collect();
            ("200 OK", Some(serde_json::json!({"resumables": list})))
        }
        ("DELETE", "resumables", [name]) => {
            let id = req.query.get("id").cloned().unwrap_or_default();
            match s.resumables.get(&id) {
                Some(r) if &r.name == name => {
                    s.resumables.remove(&id);
                    (
                        "200 OK",
                        Some(serde_json::json!({"message": "resumable deleted"})),
                    )
                }
                _ => (
                    "404 Not Found",
                    Some(serde_json::json!({"message": "not found"})),
                ),
            }
        }
        ("GET", "resumables", [name]) => {
            let id = req.query.get("id").cloned().unwrap_or_default();
            match s.resumables.get(&id) {
                Some(r) if &r.name == name => (
                    "200 OK",
                    Some(serde_json::json!({
                        "filename": name, "id": id, "max_chunk": r.max_chunk,
                        "chunk_size": r.chunk_size,
                        "previous_offset": r.data.len() as u64 - r.chunk_size.min(r.data.len() as u64),
                        "next_offset": r.data.len(), "md5sum": null
                    })),
                ),
                _ => (
                    "404 Not Found",
                    Some(serde_json::json!({"message": "not found"})),
                ),
            }
        }
        ("HEAD", "stream", [g, name]) => {
            let found = s.files.get(&(g.clone(), name.clone())).map(Vec::len);
            let no_head = s.faults.no_head;
            drop(s);
            if lose {
                let _ = conn.shutdown(Shutdown::Both);
                return Ok(());
            }
            match (no_head, found) {
                (true, _) => respond(&mut conn, "405 Method Not Allowed", "text/plain", "", ""),
                (false, Some(n)) => {
                    let _ = write!(
                        conn,
                        "HTTP/1.1 200 OK\r\nContent-Length: {n}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
                    );
                }
                (false, None) => error(&mut conn, "404 Not Found"),
            }
            return Ok(());
        }
        ("GET", "stream", [g]) => {
            let mut all: Vec<(&String, usize)> = s
                .files
                .iter()
                .filter(|((fg, _), _)| fg == g)
                .map(|((_, n), d)| (n, d.len()))
                .collect();
            all.sort();
            let per = s.faults.per_page.unwrap_or(100).max(1);
            let page: usize = req
                .query
                .get("page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let files: Vec<serde_json::Value> = all
                .iter()
                .skip(page * per)
                .take(per)
                .map(|(n, len)| serde_json::json!({"filename": n, "size": len, "modified_date": null}))
                .collect();
            let next = ((page + 1) * per < all.len()).then(|| {
                format!(
                    "/v1/{project}/files/stream/{g}?page={}&per_page={per}",
                    page + 1
                )
            });
            (
                "200 OK",
                Some(serde_json::json!({"files": files, "page": next})),
            )
        }
        _ => {
            drop(s);
            error(&mut conn, "404 Not Found");
            return Ok(());
        }
    };
    drop(s);
    if lose {
        let _ = conn.shutdown(Shutdown::Both);
        return Ok(());
    }
    json(&mut conn, status, answer.unwrap_or(serde_json::json!({})));
    Ok(())
}
