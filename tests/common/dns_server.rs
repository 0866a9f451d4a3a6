//! A scriptable DNS server for the tests, on loopback only (UDP and TCP on the same port).
//!
//! A handler decides, per query, what to send back: a reply, a reply after a delay, a reply from
//! another port, or nothing. Messages are built here with code independent of netlibc's codec, so the
//! tests check netlibc against the wire format itself. Every query is logged.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub const A: u16 = 1;
pub const CNAME: u16 = 5;
pub const SOA: u16 = 6;
pub const PTR: u16 = 12;
pub const AAAA: u16 = 28;

/// A query as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub id: u16,
    /// Lower-case dotted name without the final dot.
    pub name: String,
    pub qtype: u16,
    pub bytes: Vec<u8>,
    pub tcp: bool,
    pub from: SocketAddr,
}

impl Request {
    fn parse(bytes: &[u8], tcp: bool, from: SocketAddr) -> Option<Request> {
        let id = u16::from_be_bytes([*bytes.first()?, *bytes.get(1)?]);
        let (name, end) = read_plain_name(bytes, 12)?;
        let qtype = u16::from_be_bytes([*bytes.get(end)?, *bytes.get(end + 1)?]);
        Some(Request {
            id,
            name,
            qtype,
            bytes: bytes.to_vec(),
            tcp,
            from,
        })
    }

    /// The question section's bytes (name, type, class), to copy into replies.
    pub fn question_bytes(&self) -> Vec<u8> {
        let (_, end) = read_plain_name(&self.bytes, 12).unwrap();
        self.bytes[12..end + 4].to_vec()
    }

    /// Whether the query carried an EDNS0 OPT record (ARCOUNT 1 and OPT type after the question).
    pub fn edns_udp_size(&self) -> Option<u16> {
        let (_, end) = read_plain_name(&self.bytes, 12)?;
        let opt = self.bytes.get(end + 4..end + 4 + 11)?;
        (opt[0] == 0 && opt[1..3] == [0, 41]).then(|| u16::from_be_bytes([opt[3], opt[4]]))
    }

    pub fn flags(&self) -> u16 {
        u16::from_be_bytes([self.bytes[2], self.bytes[3]])
    }
}

fn read_plain_name(bytes: &[u8], mut at: usize) -> Option<(String, usize)> {
    let mut labels = Vec::new();
    loop {
        let length = *bytes.get(at)? as usize;
        if length == 0 {
            return Some((labels.join("."), at + 1));
        }
        if length > 63 {
            return None;
        }
        let label = bytes.get(at + 1..at + 1 + length)?;
        labels.push(String::from_utf8_lossy(label).to_ascii_lowercase());
        at += 1 + length;
    }
}

/// Encodes a dotted name without compression.
pub fn encode_name(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name
        .trim_end_matches('.')
        .split('.')
        .filter(|l| !l.is_empty())
    {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

/// Builds a reply to a request.
#[derive(Clone)]
pub struct ReplyBuilder {
    id: u16,
    flags: u16,
    question: Vec<u8>,
    qdcount: u16,
    answers: Vec<Vec<u8>>,
    authority: Vec<Vec<u8>>,
}

pub fn record(name: &str, rtype: u16, ttl: u32, rdata: &[u8]) -> Vec<u8> {
    let mut out = encode_name(name);
    out.extend_from_slice(&rtype.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&ttl.to_be_bytes());
    out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    out.extend_from_slice(rdata);
    out
}

pub fn soa_record(zone: &str, ttl: u32, minimum: u32) -> Vec<u8> {
    let mut rdata = encode_name(&format!("ns.{zone}"));
    rdata.extend(encode_name(&format!("admin.{zone}")));
    for value in [1u32, 3600, 600, 86400, minimum] {
        rdata.extend_from_slice(&value.to_be_bytes());
    }
    record(zone, SOA, ttl, &rdata)
}

impl ReplyBuilder {
    /// A reply with the request's ID and question, QR and RD and RA set, and `rcode`.
    pub fn to(request: &Request, rcode: u8) -> ReplyBuilder {
        ReplyBuilder {
            id: request.id,
            flags: 0x8180 | u16::from(rcode),
            question: request.question_bytes(),
            qdcount: 1,
            answers: Vec::new(),
            authority: Vec::new(),
        }
    }
    pub fn id(mut self, id: u16) -> Self {
        self.id = id;
        self
    }
    pub fn truncated(mut self) -> Self {
        self.flags |= 0x0200;
        self
    }
    pub fn not_a_response(mut self) -> Self {
        self.flags &= !0x8000;
        self
    }
    pub fn question(mut self, name: &str, qtype: u16) -> Self {
        let mut q = encode_name(name);
        q.extend_from_slice(&qtype.to_be_bytes());
        q.extend_from_slice(&1u16.to_be_bytes());
        self.question = q;
        self
    }
    pub fn answer(mut self, record: Vec<u8>) -> Self {
        self.answers.push(record);
        self
    }
    pub fn a(self, name: &str, ttl: u32, address: [u8; 4]) -> Self {
        self.answer(record(name, A, ttl, &address))
    }
    pub fn aaaa(self, name: &str, ttl: u32, address: [u8; 16]) -> Self {
        self.answer(record(name, AAAA, ttl, &address))
    }
    pub fn cname(self, name: &str, ttl: u32, target: &str) -> Self {
        self.answer(record(name, CNAME, ttl, &encode_name(target)))
    }
    pub fn ptr(self, name: &str, ttl: u32, target: &str) -> Self {
        self.answer(record(name, PTR, ttl, &encode_name(target)))
    }
    pub fn soa(mut self, zone: &str, ttl: u32, minimum: u32) -> Self {
        self.authority.push(soa_record(zone, ttl, minimum));
        self
    }
    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.id.to_be_bytes());
        out.extend_from_slice(&self.flags.to_be_bytes());
        for count in [
            self.qdcount,
            self.answers.len() as u16,
            self.authority.len() as u16,
            0,
        ] {
            out.extend_from_slice(&count.to_be_bytes());
        }
        out.extend_from_slice(&self.question);
        for r in self.answers.iter().chain(&self.authority) {
            out.extend_from_slice(r);
        }
        out
    }
}

/// What the server does in answer to one query.
pub enum Action {
    Send(Vec<u8>),
    SendAfter(Duration, Vec<u8>),
    /// Sends from a different socket (another source port).
    SendFromOtherPort(Vec<u8>),
}

pub type Handler = dyn Fn(&Request) -> Vec<Action> + Send + Sync;

/// A running server; stopped when dropped.
pub struct DnsServer {
    pub address: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl DnsServer {
    /// Starts a server on `address` (e.g. "127.0.0.1:0"; port 0 picks a free port for UDP and TCP).
    pub fn start(
        address: &str,
        handler: impl Fn(&Request) -> Vec<Action> + Send + Sync + 'static,
    ) -> DnsServer {
        let handler: Arc<Handler> = Arc::new(handler);
        let (udp, tcp) = bind_pair(address);
        let address = udp.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        udp.set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        tcp.set_nonblocking(true).unwrap();
        let udp_thread = {
            let (handler, requests, stop) = (handler.clone(), requests.clone(), stop.clone());
            std::thread::spawn(move || serve_udp(udp, &*handler, &requests, &stop))
        };
        let tcp_thread = {
            let (handler, requests, stop) = (handler.clone(), requests.clone(), stop.clone());
            std::thread::spawn(move || serve_tcp(tcp, &*handler, &requests, &stop))
        };
        DnsServer {
            address,
            requests,
            stop,
            threads: vec![udp_thread, tcp_thread],
        }
    }

    /// The queries received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn query_count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn clear(&self) {
        self.requests.lock().unwrap().clear();
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn bind_pair(address: &str) -> (UdpSocket, TcpListener) {
    for _ in 0..50 {
        let udp = UdpSocket::bind(address).unwrap();
        let port_address = udp.local_addr().unwrap();
        if let Ok(tcp) = TcpListener::bind(port_address) {
            return (udp, tcp);
        }
    }
    panic!("no free UDP+TCP port pair on {address}");
}

fn serve_udp(
    socket: UdpSocket,
    handler: &Handler,
    requests: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
) {
    let mut buffer = [0u8; 65536];
    while !stop.load(Ordering::Relaxed) {
        let Ok((n, from)) = socket.recv_from(&mut buffer) else {
            continue;
        };
        let Some(request) = Request::parse(&buffer[..n], false, from) else {
            continue;
        };
        requests.lock().unwrap().push(request.clone());
        for action in handler(&request) {
            match action {
                Action::Send(bytes) => {
                    let _ = socket.send_to(&bytes, from);
                }
                Action::SendAfter(delay, bytes) => {
                    let socket = socket.try_clone().unwrap();
                    std::thread::spawn(move || {
                        std::thread::sleep(delay);
                        let _ = socket.send_to(&bytes, from);
                    });
                }
                Action::SendFromOtherPort(bytes) => {
                    let other = UdpSocket::bind((socket.local_addr().unwrap().ip(), 0)).unwrap();
                    let _ = other.send_to(&bytes, from);
                }
            }
        }
    }
}

fn serve_tcp(
    listener: TcpListener,
    handler: &Handler,
    requests: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
) {
    while !stop.load(Ordering::Relaxed) {
        let Ok((stream, from)) = listener.accept() else {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        let _ = serve_connection(stream, from, handler, requests, stop);
    }
}

fn serve_connection(
    mut stream: TcpStream,
    from: SocketAddr,
    handler: &Handler,
    requests: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_millis(500)))?;
    while !stop.load(Ordering::Relaxed) {
        let mut prefix = [0u8; 2];
        stream.read_exact(&mut prefix)?;
        let mut message = vec![0u8; u16::from_be_bytes(prefix) as usize];
        stream.read_exact(&mut message)?;
        let Some(request) = Request::parse(&message, true, from) else {
            continue;
        };
        requests.lock().unwrap().push(request.clone());
        for action in handler(&request) {
            let (Action::Send(bytes)
            | Action::SendAfter(_, bytes)
            | Action::SendFromOtherPort(bytes)) = action;
            let mut framed = (bytes.len() as u16).to_be_bytes().to_vec();
            framed.extend_from_slice(&bytes);
            stream.write_all(&framed)?;
        }
    }
    Ok(())
}

/// A small zone: names to records; unknown names get NXDOMAIN and known names without the type asked
/// get NODATA, both with an SOA for negative caching. CNAMEs are followed within the zone.
#[derive(Clone, Default)]
pub struct Zone {
    records: HashMap<String, Vec<(u16, u32, Vec<u8>)>>,
    pub negative_ttl: u32,
}

impl Zone {
    pub fn new() -> Zone {
        Zone {
            records: HashMap::new(),
            negative_ttl: 60,
        }
    }
    pub fn add(&mut self, name: &str, rtype: u16, ttl: u32, rdata: Vec<u8>) -> &mut Self {
        self.records
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push((rtype, ttl, rdata));
        self
    }
    pub fn a(&mut self, name: &str, address: [u8; 4]) -> &mut Self {
        self.add(name, A, 300, address.to_vec())
    }
    pub fn aaaa(&mut self, name: &str, address: [u8; 16]) -> &mut Self {
        self.add(name, AAAA, 300, address.to_vec())
    }
    pub fn cname(&mut self, name: &str, target: &str) -> &mut Self {
        self.add(name, CNAME, 300, encode_name(target))
    }
    pub fn ptr(&mut self, name: &str, target: &str) -> &mut Self {
        self.add(name, PTR, 300, encode_name(target))
    }

    /// The reply this zone gives to `request`.
    pub fn reply(&self, request: &Request) -> Vec<u8> {
        let mut builder = ReplyBuilder::to(request, 0);
        let mut name = request.name.clone();
        for _ in 0..8 {
            let Some(records) = self.records.get(&name) else {
                let rcode = if builder.answers.is_empty() { 3 } else { 0 };
                let mut b = builder.clone().soa("test", 300, self.negative_ttl);
                b.flags = (b.flags & !0xf) | rcode;
                return b.build();
            };
            if let Some((_, ttl, target)) = records
                .iter()
                .find(|r| r.0 == CNAME && request.qtype != CNAME)
            {
                builder = builder.answer(record(&name, CNAME, *ttl, target));
                name = read_plain_name(target, 0).unwrap().0;
                continue;
            }
            let matching: Vec<_> = records.iter().filter(|r| r.0 == request.qtype).collect();
            if matching.is_empty() {
                return builder.soa("test", 300, self.negative_ttl).build();
            }
            for (rtype, ttl, rdata) in matching {
                builder = builder.answer(record(&name, *rtype, *ttl, rdata));
            }
            return builder.build();
        }
        builder.build()
    }

    /// A handler that answers from this zone.
    pub fn handler(self) -> impl Fn(&Request) -> Vec<Action> + Send + Sync + 'static {
        move |request| vec![Action::Send(self.reply(request))]
    }
}
