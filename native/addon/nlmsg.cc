// rtnetlink message building and the request/ack exchange (see nlmsg.h).
#include "nlmsg.h"
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>

NlMsg::NlMsg(uint16_t type, uint16_t flags, const void* body, size_t bodyLen) {
  buf_.resize(NLMSG_SPACE(bodyLen));
  nlmsghdr* h = Header();
  h->nlmsg_type = type;
  h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
  memcpy(NLMSG_DATA(h), body, bodyLen);
  h->nlmsg_len = (uint32_t)buf_.size();
}

void NlMsg::Put(uint16_t type, const void* data, size_t len) {
  size_t at = buf_.size();
  buf_.resize(at + RTA_SPACE(len));
  rtattr* a = reinterpret_cast<rtattr*>(buf_.data() + at);
  a->rta_type = type;
  a->rta_len = (uint16_t)RTA_LENGTH(len);
  if (len) memcpy(RTA_DATA(a), data, len);
  Header()->nlmsg_len = (uint32_t)buf_.size();
}

void NlMsg::PutRaw(const void* data, size_t len) {
  size_t at = buf_.size();
  buf_.resize(at + NLMSG_ALIGN(len));
  memcpy(buf_.data() + at, data, len);
  Header()->nlmsg_len = (uint32_t)buf_.size();
}

size_t NlMsg::Begin(uint16_t type) {
  size_t at = buf_.size();
  Put((uint16_t)(type | NLA_F_NESTED), nullptr, 0);
  return at;
}

void NlMsg::End(size_t at) {
  rtattr* a = reinterpret_cast<rtattr*>(buf_.data() + at);
  a->rta_len = (uint16_t)(buf_.size() - at);
}

int NlSocket::Open() {
  fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ < 0) return -1;
  int one = 1;
  // extended acks carry the kernel's own words ("Master device not found", ...); best effort
  setsockopt(fd_, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(fd_, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    int err = errno;
    close(fd_);
    fd_ = -1;
    errno = err;
    return -1;
  }
  return 0;
}

NlSocket::~NlSocket() {
  if (fd_ >= 0) close(fd_);
}

static std::string ExtAckText(const nlmsghdr* h) {
  // with NETLINK_CAP_ACK the error message carries only the request's header; TLVs follow it
  if (!(h->nlmsg_flags & NLM_F_ACK_TLVS)) return "";
  const nlmsgerr* e = reinterpret_cast<const nlmsgerr*>(NLMSG_DATA(h));
  size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nlmsgerr));
  if (!(h->nlmsg_flags & NLM_F_CAPPED)) off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
  const uint8_t* base = reinterpret_cast<const uint8_t*>(h);
  while (off + sizeof(nlattr) <= h->nlmsg_len) {
    const nlattr* a = reinterpret_cast<const nlattr*>(base + off);
    if (a->nla_len < sizeof(nlattr) || off + a->nla_len > h->nlmsg_len) break;
    if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
      const char* s = reinterpret_cast<const char*>(a) + NLA_HDRLEN;
      return std::string(s, strnlen(s, a->nla_len - NLA_HDRLEN));
    }
    off += NLA_ALIGN(a->nla_len);
  }
  return "";
}

int NlSocket::Request(NlMsg& msg, std::string* detail, std::vector<uint8_t>* reply) {
  nlmsghdr* req = msg.Header();
  req->nlmsg_seq = ++seq_;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = sendto(fd_, msg.Data(), msg.Size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return errno;
  std::vector<uint8_t> buf(32768);
  for (;;) {
    ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    int len = (int)n;
    for (nlmsghdr* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != req->nlmsg_seq) continue;  // a stale answer to an earlier request
      if (h->nlmsg_type == NLMSG_ERROR) {
        const nlmsgerr* e = reinterpret_cast<const nlmsgerr*>(NLMSG_DATA(h));
        if (e->error == 0) return 0;
        if (detail) *detail = ExtAckText(h);
        return -e->error;
      }
      if (reply && reply->empty()) reply->assign(reinterpret_cast<uint8_t*>(h), reinterpret_cast<uint8_t*>(h) + h->nlmsg_len);
    }
  }
}
