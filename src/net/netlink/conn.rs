//! The rtnetlink transport: sends a batch of requests in one datagram and
//! reads replies until every request is acknowledged or its dump is done.

use std::os::fd::AsRawFd;

use netlink_packet_core::{
    NetlinkBuffer, NetlinkHeader, NetlinkMessage, NetlinkPayload, NlasIterator, NLM_F_ACK,
    NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST,
};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr};
use nix::errno::Errno;
use nix::sys::socket::{recv, send, MsgFlags};

use super::{NetlinkError, Result};

/// Room for the kernel's largest dump chunk (32 KiB) twice over; a bigger
/// datagram grows the buffer (see `recv_datagram`).
const RECV_BUF: usize = 64 * 1024;
/// A dump the kernel marked inconsistent (links changed meanwhile) is redone
/// this many times before giving up.
const DUMP_ATTEMPTS: usize = 5;
/// NLMSGERR_ATTR_MSG: the kernel's extended-ack error text.
const NLMSGERR_ATTR_MSG: u16 = 1;
const NLMSG_HDRLEN: usize = 16;

/// One request of a batch.
pub struct Request {
    /// Names the request in errors: "create bridge berth0".
    pub op: String,
    pub message: RouteNetlinkMessage,
    /// Flags besides NLM_F_REQUEST | NLM_F_ACK, which every request gets.
    pub flags: u16,
    /// An errno that means "already so" here (EEXIST for an address that is
    /// assigned); it counts as success.
    pub tolerate: Option<Errno>,
}

impl Request {
    pub fn new(op: impl Into<String>, message: RouteNetlinkMessage, flags: u16) -> Request {
        Request {
            op: op.into(),
            message,
            flags,
            tolerate: None,
        }
    }

    pub fn tolerating(mut self, errno: Errno) -> Request {
        self.tolerate = Some(errno);
        self
    }
}

/// One message of a reply, as the request loop sees it.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    Message {
        /// NLM_F_DUMP_INTR: the dump saw a change midway and may be torn.
        interrupted: bool,
        message: RouteNetlinkMessage,
    },
    Ack,
    Failed {
        errno: Errno,
        detail: Option<String>,
    },
    /// NLMSG_DONE: the end of a dump.
    Done,
}

/// A connected NETLINK_ROUTE socket with its sequence counter and buffers.
pub struct Conn {
    socket: Socket,
    seq: u32,
    send_buf: Vec<u8>,
    recv_buf: Vec<u8>,
}

impl Conn {
    /// A socket in the calling thread's current network namespace; it stays
    /// bound to that namespace whatever the thread does later.
    pub fn open() -> Result<Conn> {
        let os = |errno: std::io::Error| NetlinkError::Socket {
            op: "open rtnetlink".to_string(),
            errno: Errno::from_raw(errno.raw_os_error().unwrap_or(0)),
        };
        let mut socket = Socket::new(NETLINK_ROUTE).map_err(os)?;
        socket.bind_auto().map_err(os)?;
        socket.connect(&SocketAddr::new(0, 0)).map_err(os)?;
        // Both only improve replies (the kernel's error text, acks without
        // the echoed request); kernels before 4.12 lack them, which is fine.
        let _ = socket.set_ext_ack(true);
        let _ = socket.set_cap_ack(true);
        Ok(Conn {
            socket,
            seq: 0,
            send_buf: Vec::with_capacity(4096),
            recv_buf: vec![0; RECV_BUF],
        })
    }

    /// Runs a batch of requests and returns the messages they produced (the
    /// link of a GETLINK, ...). The kernel carries on after a failed request,
    /// so every one is answered; the first failure in batch order is
    /// returned.
    pub fn execute(&mut self, requests: Vec<Request>) -> Result<Vec<RouteNetlinkMessage>> {
        let (replies, _) = self.run(requests)?;
        Ok(replies)
    }

    /// A dump (NLM_F_DUMP), redone when the kernel flags it as interrupted.
    pub fn dump(
        &mut self,
        op: &str,
        message: RouteNetlinkMessage,
    ) -> Result<Vec<RouteNetlinkMessage>> {
        for _ in 0..DUMP_ATTEMPTS {
            let request = Request::new(op, message.clone(), NLM_F_DUMP);
            let (replies, interrupted) = self.run(vec![request])?;
            if !interrupted {
                return Ok(replies);
            }
        }
        Err(NetlinkError::Kernel {
            op: op.to_string(),
            errno: Errno::EINTR,
            detail: Some(format!(
                "the list changed during each of {DUMP_ATTEMPTS} attempts; retry when fewer interfaces are being created"
            )),
        })
    }

    fn run(&mut self, requests: Vec<Request>) -> Result<(Vec<RouteNetlinkMessage>, bool)> {
        let first = self.seq.wrapping_add(1);
        let n = requests.len();
        self.seq = self.seq.wrapping_add(n as u32);
        encode_batch(&mut self.send_buf, first, &requests);
        let batch_op = || requests.first().map(|r| r.op.clone()).unwrap_or_default();
        self.send_all().map_err(|errno| NetlinkError::Socket {
            op: batch_op(),
            errno,
        })?;

        let mut finished = vec![false; n];
        let mut failure: Option<(usize, NetlinkError)> = None;
        let mut replies = Vec::new();
        let mut interrupted = false;
        while finished.iter().any(|f| !f) {
            let len = self.recv_datagram().map_err(|errno| NetlinkError::Socket {
                op: batch_op(),
                errno,
            })?;
            let decoded = decode(&self.recv_buf[..len]).map_err(|detail| NetlinkError::Decode {
                op: batch_op(),
                detail,
            })?;
            for (seq, reply) in decoded {
                // Replies to an earlier batch that failed midway are stale.
                let i = seq.wrapping_sub(first) as usize;
                if i >= n || finished[i] {
                    continue;
                }
                match reply {
                    Reply::Message {
                        interrupted: intr,
                        message,
                    } => {
                        interrupted |= intr;
                        replies.push(message);
                    }
                    Reply::Ack | Reply::Done => finished[i] = true,
                    Reply::Failed { errno, detail } => {
                        finished[i] = true;
                        let request = &requests[i];
                        if request.tolerate != Some(errno)
                            && failure.as_ref().is_none_or(|(j, _)| i < *j)
                        {
                            let op = request.op.clone();
                            failure = Some((i, NetlinkError::Kernel { op, errno, detail }));
                        }
                    }
                }
            }
        }
        match failure {
            Some((_, err)) => Err(err),
            None => Ok((replies, interrupted)),
        }
    }

    fn send_all(&self) -> std::result::Result<(), Errno> {
        loop {
            match send(self.socket.as_raw_fd(), &self.send_buf, MsgFlags::empty()) {
                // A netlink datagram is taken whole or not at all.
                Ok(_) => return Ok(()),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads one datagram whole: its size is peeked first so that a reply
    /// larger than the buffer grows it instead of being cut.
    fn recv_datagram(&mut self) -> std::result::Result<usize, Errno> {
        let fd = self.socket.as_raw_fd();
        let size = retry_eintr(|| recv(fd, &mut [], MsgFlags::MSG_PEEK | MsgFlags::MSG_TRUNC))?;
        if size > self.recv_buf.len() {
            self.recv_buf.resize(size, 0);
        }
        retry_eintr(|| recv(fd, &mut self.recv_buf, MsgFlags::empty()))
    }
}

fn retry_eintr(mut f: impl FnMut() -> nix::Result<usize>) -> nix::Result<usize> {
    loop {
        match f() {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

/// Serialises requests back to back, numbered from `first`, each aligned
/// to 4 bytes as the kernel expects of consecutive messages.
pub fn encode_batch(buf: &mut Vec<u8>, first: u32, requests: &[Request]) {
    buf.clear();
    for (i, request) in requests.iter().enumerate() {
        let mut header = NetlinkHeader::default();
        header.flags = NLM_F_REQUEST | NLM_F_ACK | request.flags;
        header.sequence_number = first.wrapping_add(i as u32);
        let mut message = NetlinkMessage::new(
            header,
            NetlinkPayload::InnerMessage(request.message.clone()),
        );
        message.finalize();
        let start = buf.len();
        buf.resize(start + align4(message.buffer_len()), 0);
        message.serialize(&mut buf[start..start + message.buffer_len()]);
    }
}

/// Splits a datagram into its messages, tagged with their sequence number.
pub fn decode(datagram: &[u8]) -> std::result::Result<Vec<(u32, Reply)>, String> {
    let mut out = Vec::new();
    let mut offset = 0;
    while offset + NLMSG_HDRLEN <= datagram.len() {
        let rest = &datagram[offset..];
        let buffer = NetlinkBuffer::new_checked(rest).map_err(|e| e.to_string())?;
        let len = buffer.length() as usize;
        if len < NLMSG_HDRLEN {
            return Err(format!("message of {len} bytes is shorter than its header"));
        }
        let flags = buffer.flags();
        let message = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&rest[..len])
            .map_err(|e| e.to_string())?;
        let seq = message.header.sequence_number;
        let reply = match message.payload {
            NetlinkPayload::InnerMessage(message) => Some(Reply::Message {
                interrupted: flags & NLM_F_DUMP_INTR != 0,
                message,
            }),
            NetlinkPayload::Error(e) => Some(match e.code {
                None => Reply::Ack,
                Some(code) => Reply::Failed {
                    errno: Errno::from_raw(-code.get()),
                    detail: error_text(flags, &e.header),
                },
            }),
            // A dump that fails midway reports it in NLMSG_DONE.
            NetlinkPayload::Done(done) if done.code < 0 => Some(Reply::Failed {
                errno: Errno::from_raw(-done.code),
                detail: if flags & NLM_F_ACK_TLVS != 0 {
                    tlv_text(&done.extended_ack)
                } else {
                    None
                },
            }),
            NetlinkPayload::Done(_) => Some(Reply::Done),
            _ => None,
        };
        if let Some(reply) = reply {
            out.push((seq, reply));
        }
        offset += align4(len);
    }
    Ok(out)
}

/// The extended-ack text of an NLMSG_ERROR, whose payload (after the errno)
/// is the request's header — or the whole request unless NLM_F_CAPPED —
/// followed by TLVs when NLM_F_ACK_TLVS is set.
fn error_text(flags: u16, payload: &[u8]) -> Option<String> {
    if flags & NLM_F_ACK_TLVS == 0 {
        return None;
    }
    let echoed = if flags & NLM_F_CAPPED != 0 {
        NLMSG_HDRLEN
    } else {
        let len = payload.get(..4)?;
        u32::from_ne_bytes([len[0], len[1], len[2], len[3]]) as usize
    };
    tlv_text(payload.get(align4(echoed)..)?)
}

fn tlv_text(tlvs: &[u8]) -> Option<String> {
    NlasIterator::new(tlvs)
        .map_while(|nla| nla.ok())
        .find(|nla| nla.kind() == NLMSGERR_ATTR_MSG)
        .map(|nla| {
            let v = nla.value();
            let end = v.iter().position(|&b| b == 0).unwrap_or(v.len());
            String::from_utf8_lossy(&v[..end]).into_owned()
        })
        .filter(|s| !s.is_empty())
}

fn align4(n: usize) -> usize {
    (n + 3) & !3
}
