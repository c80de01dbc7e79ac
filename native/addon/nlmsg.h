// A minimal rtnetlink request builder and a synchronous request/ack exchange on one NETLINK_ROUTE socket.
// Only what network attach needs: build a message with nested attributes, send it, read the kernel's answer.
#pragma once
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

class NlMsg {
 public:
  // type: RTM_*, flags: NLM_F_* besides NLM_F_REQUEST|NLM_F_ACK; body: the family header (ifinfomsg, ifaddrmsg, rtmsg)
  NlMsg(uint16_t type, uint16_t flags, const void* body, size_t bodyLen);
  void Put(uint16_t type, const void* data, size_t len);
  void PutU32(uint16_t type, uint32_t v) { Put(type, &v, sizeof v); }
  void PutU8(uint16_t type, uint8_t v) { Put(type, &v, sizeof v); }
  void PutStr(uint16_t type, const std::string& s) { Put(type, s.c_str(), s.size() + 1); }
  // Raw bytes inside the current nest (the peer's ifinfomsg inside VETH_INFO_PEER is not an attribute).
  void PutRaw(const void* data, size_t len);
  // Begin/End a nested attribute; nests may nest. Returns the offset End needs.
  size_t Begin(uint16_t type);
  void End(size_t at);
  nlmsghdr* Header() { return reinterpret_cast<nlmsghdr*>(buf_.data()); }
  size_t Size() const { return buf_.size(); }
  const uint8_t* Data() const { return buf_.data(); }

 private:
  std::vector<uint8_t> buf_;
};

class NlSocket {
 public:
  // Opens a NETLINK_ROUTE socket in the calling thread's current network namespace; -1 + errno on failure.
  int Open();
  ~NlSocket();
  // Sends msg and waits for its ack. Returns 0 or a positive errno; `detail` gets the kernel's extended-ack
  // text when it sent one. When `reply` is given, the first non-ack message answering msg is copied there.
  int Request(NlMsg& msg, std::string* detail, std::vector<uint8_t>* reply = nullptr);
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  uint32_t seq_ = 0;
};
