//! Sending queries and waiting for their replies, over UDP and TCP, on glibc's server schedule.
//!
//! Schedule (glibc's `__res_context_send`): `attempts` rounds; each round tries every server once,
//! starting at a rotating offset with `rotate`. Server `ns` gets `max(1, timeout << ns / n)` seconds
//! (`/ n` only for ns > 0), where `n` is the number of servers. A reply with SERVFAIL, NOTIMP or
//! REFUSED, or an ECONNREFUSED, moves on to the next server at once.
//!
//! A reply is accepted only when it comes from the server's address and port, parses, has QR set, one
//! of the outstanding IDs, and that query's question (name compared without case). Anything else is
//! dropped and the wait goes on with the time left. A truncated reply is asked again over TCP.

use super::conf::ResolvConf;
use super::sysio::Socket;
use super::wire::{self, QueryFlags, Question, Reply};
use crate::sys::Errno;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The largest UDP reply read (a reply over 512 bytes without EDNS0 is still accepted, as glibc does).
const UDP_BUFFER: usize = 65536;

/// Why no usable reply came for a set of questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendError {
    /// No server answered in time.
    Timeout,
    /// Every server refused the connection (ECONNREFUSED).
    ConnectionRefused,
    /// The last server to answer said SERVFAIL, NOTIMP or REFUSED (the rcode).
    ServerFailure(u8),
    /// No query could be built (a name too long for the wire); glibc's NO_RECOVERY.
    BadQuery,
}

/// One outstanding query: its ID, question and wire bytes, and its reply once accepted.
struct Query {
    id: u16,
    question: Question,
    bytes: Vec<u8>,
    reply: Option<Reply>,
}

impl Query {
    fn new(question: Question, flags: QueryFlags, id: u16) -> Query {
        let bytes = wire::build_query(id, &question, flags);
        Query {
            id,
            question,
            bytes,
            reply: None,
        }
    }

    /// Whether `reply` answers this query (ID, QR, and the same question).
    fn is_answered_by(&self, reply: &Reply) -> bool {
        reply.is_response
            && reply.id == self.id
            && reply.question_count == 1
            && reply.question.as_ref().is_some_and(|q| {
                q.qtype == self.question.qtype
                    && q.qclass == self.question.qclass
                    && q.name.eq_ignore_case(&self.question.name)
            })
    }
}

/// What one try of one server ended with.
enum TryOutcome {
    /// Every outstanding query has its reply.
    Done,
    /// A reply said SERVFAIL / NOTIMP / REFUSED.
    BadRcode(u8),
    Refused,
    TimedOut,
    /// A reply was truncated: ask this server again over TCP.
    Truncated,
}

/// The rotation counter for `options rotate`, starting at a random server.
static ROTATION: AtomicU32 = AtomicU32::new(u32::MAX);

fn first_server(conf: &ResolvConf) -> usize {
    let count = conf.nameservers.len().max(1);
    if !conf.options.rotate || count == 1 {
        return 0;
    }
    // Start at a random server, as glibc does, then go round one server per query.
    let seed = u32::from(super::sysio::random_u16());
    let _ = ROTATION.compare_exchange(u32::MAX, seed, Ordering::Relaxed, Ordering::Relaxed);
    (ROTATION.fetch_add(1, Ordering::Relaxed) as usize) % count
}

/// Seconds server number `ns` gets per try (glibc's `send_dg`).
fn server_timeout(conf: &ResolvConf, ns: usize) -> Duration {
    let count = conf.nameservers.len().max(1) as i64;
    let mut seconds = i64::from(conf.options.timeout) << ns.min(8);
    if ns > 0 {
        seconds /= count;
    }
    Duration::from_secs(seconds.max(1) as u64)
}

/// Sends `questions` (one, or A and AAAA) and returns each one's reply (`None` when only some were
/// answered), or why none was.
pub fn send(conf: &ResolvConf, questions: Vec<Question>) -> Result<Vec<Option<Reply>>, SendError> {
    let flags = QueryFlags {
        edns0: conf.options.edns0,
        trust_ad: conf.options.trust_ad,
    };
    if questions.iter().any(|q| q.name.wire_len() > 255) {
        return Err(SendError::BadQuery);
    }
    // One getrandom for the IDs of both queries of an A+AAAA lookup.
    let ids = super::sysio::random_ids::<{ super::sysio::SEND_MANY }>();
    let mut queries: Vec<Query> = questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let id = ids.get(i).copied().unwrap_or_else(super::sysio::random_u16);
            Query::new(q, flags, id)
        })
        .collect();
    let count = conf.nameservers.len();
    let offset = first_server(conf);
    let mut last_error = None;
    let mut refused_everywhere = true;
    for _attempt in 0..conf.options.attempts {
        for shift in 0..count {
            let ns = (shift + offset) % count;
            let Some(server) = conf.nameservers.get(ns) else {
                continue;
            };
            let deadline = Instant::now() + server_timeout(conf, ns);
            // The trace line names the last server asked: the one that answered, if any did.
            crate::trace::note_source(crate::trace::Source::Dns(Some(*server)));
            let outcome = if conf.options.use_vc {
                try_tcp(server, &mut queries, deadline)
            } else {
                match try_udp(conf, server, &mut queries, deadline) {
                    TryOutcome::Truncated => try_tcp(server, &mut queries, deadline),
                    other => other,
                }
            };
            match outcome {
                TryOutcome::Done => return Ok(queries.into_iter().map(|q| q.reply).collect()),
                TryOutcome::BadRcode(rcode) => last_error = Some(SendError::ServerFailure(rcode)),
                TryOutcome::Refused => continue,
                TryOutcome::TimedOut | TryOutcome::Truncated => {}
            }
            refused_everywhere = false;
        }
    }
    if queries.iter().any(|q| q.reply.is_some()) {
        return Ok(queries.into_iter().map(|q| q.reply).collect());
    }
    Err(match last_error {
        Some(error) => error,
        None if refused_everywhere && conf.options.attempts > 0 => SendError::ConnectionRefused,
        None => SendError::Timeout,
    })
}

/// Takes a reply in: marks the query it answers. A bad rcode or truncation is reported instead.
fn accept(queries: &mut [Query], reply: Reply) -> Option<TryOutcome> {
    let query = queries
        .iter_mut()
        .find(|q| q.reply.is_none() && q.is_answered_by(&reply))?;
    if matches!(
        reply.rcode,
        wire::RCODE_SERVFAIL | wire::RCODE_NOTIMP | wire::RCODE_REFUSED
    ) {
        return Some(TryOutcome::BadRcode(reply.rcode));
    }
    if reply.truncated {
        return Some(TryOutcome::Truncated);
    }
    query.reply = Some(reply);
    None
}

fn all_answered(queries: &[Query]) -> bool {
    queries.iter().all(|q| q.reply.is_some())
}

/// One UDP try: outstanding queries in parallel from one socket, or one after the other with
/// `single-request` (same socket) and `single-request-reopen` (a new socket for each).
fn try_udp(
    conf: &ResolvConf,
    server: &SocketAddr,
    queries: &mut [Query],
    deadline: Instant,
) -> TryOutcome {
    let sequential = conf.options.single_request || conf.options.single_request_reopen;
    let keepable = server.ip().is_loopback() && !conf.options.single_request_reopen;
    let mut socket: Option<Socket> = None;
    let mut cookie = None;
    let mut buffer = ReceiveBuffer::take();
    for index in 0..queries.len() {
        if queries.get(index).is_none_or(|q| q.reply.is_some()) {
            continue;
        }
        if socket.is_none() || conf.options.single_request_reopen {
            drop(socket.take()); // closes the previous one first
            if let Some((kept, kept_cookie)) = keepable.then(|| take_kept(server)).flatten() {
                (socket, cookie) = (Some(kept), Some(kept_cookie));
            } else {
                match Socket::connect(server, libc::SOCK_DGRAM) {
                    Ok(s) => socket = Some(s),
                    Err(Errno(libc::ECONNREFUSED)) => return TryOutcome::Refused,
                    Err(_) => return TryOutcome::TimedOut,
                }
            }
        }
        let Some(sock) = socket.as_ref() else {
            return TryOutcome::TimedOut;
        };
        let to_send: Vec<usize> = if sequential {
            vec![index]
        } else {
            (index..queries.len())
                .filter(|&i| queries.get(i).is_some_and(|q| q.reply.is_none()))
                .collect()
        };
        if let Err(e) = send_all(sock, queries, &to_send) {
            return if e == Errno(libc::ECONNREFUSED) {
                TryOutcome::Refused
            } else {
                TryOutcome::TimedOut
            };
        }
        let outcome = receive_udp(sock, server, queries, &to_send, &mut buffer.0, deadline);
        if let Some(outcome) = outcome {
            return outcome;
        }
        if !sequential {
            break;
        }
    }
    if !all_answered(queries) {
        return TryOutcome::TimedOut;
    }
    if let (true, Some(socket)) = (keepable, socket) {
        keep(server, socket, cookie);
    }
    TryOutcome::Done
}

/// UDP sockets connected to loopback nameservers, kept between lookups: a socket, its `connect` and its
/// `close` cost more than the rest of a lookup's own work (3.6 µs here, against a round trip to a
/// local server of about 10 µs). Only a try that got every reply it waited for gives its socket back,
/// so no reply or error of an earlier query can be pending on it (and one that is would be dropped:
/// replies are matched by ID and question). Why loopback only: a new socket per query gets a new
/// random source port, which protects against off-path forgers guessing it; on loopback there is no
/// off-path sender, and local processes can read the port in /proc/net/udp anyway. Not with
/// `single-request-reopen`, whose point is a new socket for each query.
///
/// Each kept socket is checked before use to be still ours ([`Socket::from_kept`]: a program may close
/// descriptors it does not know), and one kept by the parent of a forked child is closed by the child
/// (it would share it with the parent). At most [`KEPT_MAX`] are kept (one per nameserver); the
/// descriptors are close-on-exec.
struct Kept {
    server: SocketAddr,
    fd: i32,
    cookie: u64,
    fork_epoch: u64,
}

const KEPT_MAX: usize = super::conf::MAXNS;

static KEPT: crate::sys::lock::ForkSafeMutex<Vec<Kept>> =
    crate::sys::lock::ForkSafeMutex::new(Vec::new());

/// A kept socket connected to `server`, with its cookie, if there is one and it is still ours.
fn take_kept(server: &SocketAddr) -> Option<(Socket, u64)> {
    let kept = {
        let mut kept = KEPT.lock();
        let index = kept.iter().position(|k| k.server == *server)?;
        kept.swap_remove(index)
    };
    let socket = Socket::from_kept(kept.fd, kept.cookie)?;
    if kept.fork_epoch != super::sysio::fork_epoch() {
        return None; // a parent's socket: this process's copy is closed here (dropped)
    }
    Some((socket, kept.cookie))
}

/// Keeps `socket` (connected to `server`) for the next lookup; the oldest kept socket makes room.
fn keep(server: &SocketAddr, socket: Socket, cookie: Option<u64>) {
    let Some(cookie) = cookie.or_else(|| socket.cookie()) else {
        return; // no cookie, no way to tell it is still ours later: closed
    };
    let entry = Kept {
        server: *server,
        fd: socket.keep(),
        cookie,
        fork_epoch: super::sysio::fork_epoch(),
    };
    let evicted = {
        let mut kept = KEPT.lock();
        let evicted = (kept.len() >= KEPT_MAX).then(|| kept.remove(0));
        kept.push(entry);
        evicted
    };
    if let Some(evicted) = evicted {
        drop(Socket::from_kept(evicted.fd, evicted.cookie)); // closed if still ours
    }
}

/// Sends the queries numbered `indexes` before any reply is awaited: together with one `sendmmsg`
/// (as glibc sends A and AAAA), one `send` each where `sendmmsg` is missing.
fn send_all(socket: &Socket, queries: &[Query], indexes: &[usize]) -> Result<(), Errno> {
    let datagrams: Vec<&[u8]> = indexes
        .iter()
        .filter_map(|&i| queries.get(i).map(|q| q.bytes.as_slice()))
        .collect();
    let mut rest = datagrams.as_slice();
    while !rest.is_empty() {
        let sent = match rest {
            [one] => socket.send(one).map(|_| 1),
            _ => match socket.send_many(rest) {
                Err(Errno(libc::ENOSYS)) => {
                    rest.first().map_or(Ok(0), |d| socket.send(d).map(|_| 1))
                }
                other => other,
            },
        }?;
        rest = rest.get(sent.max(1)..).unwrap_or_default();
    }
    Ok(())
}

/// A UDP receive buffer of [`UDP_BUFFER`] bytes' capacity, kept for the next query when dropped:
/// allocating and freeing 64 KiB per query costs more than the rest of the client's work (glibc's
/// `free` of a chunk that large also consolidates its fast bins). At most [`SPARE_BUFFERS`] are kept,
/// enough for as many lookups at the same time; the lock is held to push or pop one, nothing else.
struct ReceiveBuffer(Vec<u8>);

const SPARE_BUFFERS: usize = 2;

static SPARE: crate::sys::lock::ForkSafeMutex<Vec<Vec<u8>>> =
    crate::sys::lock::ForkSafeMutex::new(Vec::new());

impl ReceiveBuffer {
    fn take() -> ReceiveBuffer {
        let spare = SPARE.lock().pop();
        ReceiveBuffer(spare.unwrap_or_else(|| Vec::with_capacity(UDP_BUFFER)))
    }
}

impl Drop for ReceiveBuffer {
    fn drop(&mut self) {
        let buffer = std::mem::take(&mut self.0);
        if buffer.capacity() < UDP_BUFFER {
            return;
        }
        let mut spare = SPARE.lock();
        if spare.len() < SPARE_BUFFERS {
            spare.push(buffer);
        }
        // Locals drop in reverse order: the lock is released before a buffer not kept is freed.
    }
}

/// Waits for replies to the queries numbered `waiting`; `None` when they all came.
fn receive_udp(
    socket: &Socket,
    server: &SocketAddr,
    queries: &mut [Query],
    waiting: &[usize],
    buffer: &mut Vec<u8>,
    deadline: Instant,
) -> Option<TryOutcome> {
    while waiting
        .iter()
        .any(|&i| queries.get(i).is_some_and(|q| q.reply.is_none()))
    {
        match socket.wait(libc::POLLIN, deadline) {
            Ok(true) => {}
            Ok(false) => return Some(TryOutcome::TimedOut),
            Err(_) => return Some(TryOutcome::TimedOut),
        }
        let sender = match socket.receive_datagram(buffer) {
            Ok(sender) => sender,
            Err(Errno(libc::ECONNREFUSED)) => return Some(TryOutcome::Refused),
            Err(Errno(libc::EAGAIN | libc::EINTR)) => continue,
            Err(_) => return Some(TryOutcome::TimedOut),
        };
        if sender.as_ref() != Some(server) {
            continue;
        }
        let Some(reply) = wire::parse_reply(buffer) else {
            continue;
        };
        if let Some(outcome) = accept(queries, reply) {
            return Some(outcome);
        }
    }
    None
}

/// One TCP try (RFC 7766): every outstanding query on one connection, each with a 2-byte length.
fn try_tcp(server: &SocketAddr, queries: &mut [Query], deadline: Instant) -> TryOutcome {
    let socket = match Socket::connect(server, libc::SOCK_STREAM) {
        Ok(s) => s,
        Err(Errno(libc::ECONNREFUSED)) => return TryOutcome::Refused,
        Err(_) => return TryOutcome::TimedOut,
    };
    match socket
        .wait(libc::POLLOUT, deadline)
        .map(|ready| ready.then(|| socket.take_error()))
    {
        Ok(Some(Ok(()))) => {}
        Ok(Some(Err(Errno(libc::ECONNREFUSED)))) => return TryOutcome::Refused,
        _ => return TryOutcome::TimedOut,
    }
    let mut stream = Vec::new();
    for query in queries.iter().filter(|q| q.reply.is_none()) {
        let Ok(length) = u16::try_from(query.bytes.len()) else {
            return TryOutcome::TimedOut;
        };
        stream.extend_from_slice(&length.to_be_bytes());
        stream.extend_from_slice(&query.bytes);
    }
    if !write_all(&socket, &stream, deadline) {
        return TryOutcome::TimedOut;
    }
    while !all_answered(queries) {
        let Some(prefix) = read_bytes(&socket, 2, deadline) else {
            return TryOutcome::TimedOut;
        };
        let length = match prefix.as_slice() {
            [high, low] => u16::from_be_bytes([*high, *low]) as usize,
            _ => return TryOutcome::TimedOut,
        };
        let Some(message) = read_bytes(&socket, length, deadline) else {
            return TryOutcome::TimedOut;
        };
        let Some(reply) = wire::parse_reply(&message) else {
            continue;
        };
        match accept(queries, reply) {
            // Over TCP a TC bit cannot mean "try TCP": take the reply as it is.
            Some(TryOutcome::Truncated) => {}
            Some(outcome) => return outcome,
            None => {}
        }
    }
    TryOutcome::Done
}

fn write_all(socket: &Socket, mut data: &[u8], deadline: Instant) -> bool {
    while !data.is_empty() {
        match socket.send(data) {
            Ok(n) => data = data.get(n..).unwrap_or_default(),
            Err(Errno(libc::EAGAIN | libc::EINTR)) => {
                if !matches!(socket.wait(libc::POLLOUT, deadline), Ok(true)) {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
    true
}

/// Reads exactly `count` bytes (at most 65535, the RFC 7766 frame limit) before `deadline`.
fn read_bytes(socket: &Socket, count: usize, deadline: Instant) -> Option<Vec<u8>> {
    let mut out = vec![0u8; count];
    let mut filled = 0;
    while filled < count {
        match socket.receive(out.get_mut(filled..)?) {
            Ok((0, _)) => return None, // the server closed the connection
            Ok((n, _)) => filled += n,
            Err(Errno(libc::EAGAIN | libc::EINTR)) => {
                if !socket.wait(libc::POLLIN, deadline).ok()? {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
    Some(out)
}
