// attachVeth: a container's whole network attach in one synchronous call, over rtnetlink, with no process
// spawned: a veth pair whose peer is born inside the container's netns, the host end enslaved to the
// bridge, up, hairpin on; inside the netns the address, link up, lo up and the default route.
//
// Network namespaces are per thread. To talk to the container's netns, the calling (JS main) thread enters
// it only long enough to open a NETLINK_ROUTE socket and returns at once; the socket stays bound to the
// netns it was made in, and no JS runs in between because the call is synchronous.
#include "common.h"
#include "nlmsg.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>
#include <cstdio>

namespace {

struct AttachSpec {
  std::string bridge, netns, hostVeth, ifname, mac, gateway;
  in_addr address{}, gw{};
  uint8_t prefix = 0;
  uint32_t mtu = 0;
  bool hairpin = true;
  uint8_t macBytes[6] = {};
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { if (fd_ >= 0) close(fd_); }
  int get() const { return fd_; }
 private:
  int fd_;
};

// Each step names what failed; err is a positive errno, detail the kernel's extended-ack text.
struct Failure {
  const char* step = nullptr;
  std::string object, detail;
  int err = 0;
};

std::string Str(Napi::Object o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
}

// Returns an error text, empty when the spec is usable.
std::string ParseSpec(Napi::Object o, AttachSpec& s) {
  s.bridge = Str(o, "bridge");
  s.netns = Str(o, "netns");
  s.hostVeth = Str(o, "hostVeth");
  s.ifname = Str(o, "ifname");
  s.mac = Str(o, "mac");
  s.gateway = Str(o, "gateway");
  for (const std::string* name : {&s.bridge, &s.hostVeth, &s.ifname}) {
    if (name->empty() || name->size() >= IFNAMSIZ) return "bridge, hostVeth and ifname must be interface names (1-15 chars)";
  }
  if (s.netns.empty()) return "netns must name a network namespace file";
  if (inet_pton(AF_INET, Str(o, "address").c_str(), &s.address) != 1) return "address \"" + Str(o, "address") + "\" is not an IPv4 address";
  Napi::Value prefix = o.Get("prefix");
  if (!prefix.IsNumber() || prefix.As<Napi::Number>().Int32Value() < 0 || prefix.As<Napi::Number>().Int32Value() > 32) return "prefix must be 0-32";
  s.prefix = (uint8_t)prefix.As<Napi::Number>().Int32Value();
  if (!s.gateway.empty() && inet_pton(AF_INET, s.gateway.c_str(), &s.gw) != 1) return "gateway \"" + s.gateway + "\" is not an IPv4 address";
  Napi::Value mtu = o.Get("mtu");
  if (mtu.IsNumber()) s.mtu = mtu.As<Napi::Number>().Uint32Value();
  Napi::Value hairpin = o.Get("hairpin");
  if (hairpin.IsBoolean()) s.hairpin = hairpin.As<Napi::Boolean>().Value();
  if (!s.mac.empty()) {
    unsigned b[6];
    char tail;
    if (sscanf(s.mac.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6) {
      return "mac \"" + s.mac + "\" is not a MAC address";
    }
    for (int i = 0; i < 6; i++) s.macBytes[i] = (uint8_t)b[i];
  }
  return "";
}

bool Step(NlSocket& sock, NlMsg& m, Failure& f, const char* step, const std::string& object, std::vector<uint8_t>* reply = nullptr) {
  int err = sock.Request(m, &f.detail, reply);
  if (err == 0) return true;
  f.step = step;
  f.object = object;
  f.err = err;
  return false;
}

bool CreatePair(NlSocket& host, const AttachSpec& s, int bridgeIndex, int nsFd, Failure& f) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_flags = IFF_UP;
  ifi.ifi_change = IFF_UP;
  NlMsg m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
  m.PutStr(IFLA_IFNAME, s.hostVeth);
  if (s.mtu) m.PutU32(IFLA_MTU, s.mtu);
  m.PutU32(IFLA_MASTER, (uint32_t)bridgeIndex);
  size_t linkinfo = m.Begin(IFLA_LINKINFO);
  m.PutStr(IFLA_INFO_KIND, "veth");
  size_t data = m.Begin(IFLA_INFO_DATA);
  size_t peer = m.Begin(VETH_INFO_PEER);
  ifinfomsg peerIfi{};
  peerIfi.ifi_family = AF_UNSPEC;
  m.PutRaw(&peerIfi, sizeof peerIfi);
  m.PutStr(IFLA_IFNAME, s.ifname);
  m.PutU32(IFLA_NET_NS_FD, (uint32_t)nsFd);
  if (s.mtu) m.PutU32(IFLA_MTU, s.mtu);
  if (!s.mac.empty()) m.Put(IFLA_ADDRESS, s.macBytes, 6);
  m.End(peer);
  m.End(data);
  m.End(linkinfo);
  return Step(host, m, f, "create veth", s.hostVeth + " (peer " + s.ifname + " in " + s.netns + ", bridge " + s.bridge + ")");
}

// lets a container reach its own published port through the host (the frame goes back out its port)
bool SetHairpin(NlSocket& host, const AttachSpec& s, Failure& f) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_BRIDGE;
  ifi.ifi_index = (int)if_nametoindex(s.hostVeth.c_str());
  if (ifi.ifi_index == 0) {
    f = Failure{"find veth", s.hostVeth, "", errno};
    return false;
  }
  NlMsg m(RTM_SETLINK, 0, &ifi, sizeof ifi);
  size_t prot = m.Begin(IFLA_PROTINFO);
  m.PutU8(IFLA_BRPORT_MODE, 1);
  m.End(prot);
  return Step(host, m, f, "set hairpin on", s.hostVeth);
}

bool SetUp(NlSocket& sock, int index, const std::string& name, const std::string& where, Failure& f) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = index;
  ifi.ifi_flags = IFF_UP;
  ifi.ifi_change = IFF_UP;
  NlMsg m(RTM_SETLINK, 0, &ifi, sizeof ifi);
  if (index == 0) m.PutStr(IFLA_IFNAME, name);
  return Step(sock, m, f, "set link up", name + " in " + where);
}

bool FindIndex(NlSocket& sock, const std::string& name, const std::string& where, int& index, Failure& f) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  NlMsg m(RTM_GETLINK, 0, &ifi, sizeof ifi);
  m.PutStr(IFLA_IFNAME, name);
  std::vector<uint8_t> reply;
  if (!Step(sock, m, f, "find link", name + " in " + where, &reply)) return false;
  const nlmsghdr* h = reinterpret_cast<const nlmsghdr*>(reply.data());
  if (reply.size() < NLMSG_SPACE(sizeof(ifinfomsg)) || h->nlmsg_type != RTM_NEWLINK) {
    f = Failure{"find link", name + " in " + where, "no answer from the kernel", EIO};
    return false;
  }
  index = reinterpret_cast<const ifinfomsg*>(NLMSG_DATA(h))->ifi_index;
  return true;
}

bool ConfigureInside(NlSocket& ns, const AttachSpec& s, Failure& f) {
  int index = 0;
  if (!FindIndex(ns, s.ifname, s.netns, index, f)) return false;
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET;
  ifa.ifa_prefixlen = s.prefix;
  ifa.ifa_scope = RT_SCOPE_UNIVERSE;
  ifa.ifa_index = (uint32_t)index;
  NlMsg addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
  addr.Put(IFA_LOCAL, &s.address, 4);
  addr.Put(IFA_ADDRESS, &s.address, 4);
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &s.address, text, sizeof text);
  if (!Step(ns, addr, f, "add address", std::string(text) + "/" + std::to_string(s.prefix) + " to " + s.ifname + " in " + s.netns)) return false;
  if (!SetUp(ns, index, s.ifname, s.netns, f)) return false;
  if (!SetUp(ns, 0, "lo", s.netns, f)) return false;
  if (s.gateway.empty()) return true;
  rtmsg rt{};
  rt.rtm_family = AF_INET;
  rt.rtm_table = RT_TABLE_MAIN;
  rt.rtm_protocol = RTPROT_BOOT;
  rt.rtm_scope = RT_SCOPE_UNIVERSE;
  rt.rtm_type = RTN_UNICAST;
  NlMsg route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &rt, sizeof rt);
  route.Put(RTA_GATEWAY, &s.gw, 4);
  route.PutU32(RTA_OIF, (uint32_t)index);
  return Step(ns, route, f, "add default route", "via " + s.gateway + " dev " + s.ifname + " in " + s.netns);
}

// Opens a NETLINK_ROUTE socket inside the netns behind nsFd, leaving the calling thread where it was.
int OpenSocketIn(int nsFd, NlSocket& sock) {
  Fd self(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (self.get() < 0) return errno;
  if (setns(nsFd, CLONE_NEWNET) != 0) return errno;
  int rc = sock.Open();
  int err = errno;
  if (setns(self.get(), CLONE_NEWNET) != 0) {
    // the JS main thread would go on in the container's netns: never continue from there
    Napi::Error::Fatal("tscompose_sys attachVeth", "cannot return to the original network namespace");
  }
  return rc == 0 ? 0 : err;
}

void DeleteLink(NlSocket& host, const std::string& name) {
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  NlMsg m(RTM_DELLINK, 0, &ifi, sizeof ifi);
  m.PutStr(IFLA_IFNAME, name);
  std::string ignored;
  host.Request(m, &ignored);
}

}  // namespace

// attachVeth({ bridge, netns, hostVeth, ifname, address, prefix, mac?, mtu?, gateway?, hairpin? }).
// All or nothing: on any failure after the pair exists, the pair is deleted before the error is thrown.
static Napi::Value AttachVeth(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, "attachVeth(spec: object)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  AttachSpec s;
  std::string bad = ParseSpec(info[0].As<Napi::Object>(), s);
  if (!bad.empty()) {
    Napi::TypeError::New(env, "attachVeth: " + bad).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int bridgeIndex = (int)if_nametoindex(s.bridge.c_str());
  if (bridgeIndex == 0) return ThrowErrno(env, "find bridge", s.bridge, errno);
  Fd nsFd(open(s.netns.c_str(), O_RDONLY | O_CLOEXEC));
  if (nsFd.get() < 0) return ThrowErrno(env, "open netns", s.netns, errno);
  NlSocket host, inside;
  if (host.Open() != 0) return ThrowErrno(env, "open netlink socket", "on the host", errno);
  int err = OpenSocketIn(nsFd.get(), inside);
  if (err != 0) return ThrowErrno(env, "open netlink socket", "in " + s.netns, err);

  Failure f;
  if (!CreatePair(host, s, bridgeIndex, nsFd.get(), f)) return ThrowErrno(env, f.step, f.object, f.err, f.detail);
  if ((s.hairpin && !SetHairpin(host, s, f)) || !ConfigureInside(inside, s, f)) {
    // deleting the host end deletes the peer too
    DeleteLink(host, s.hostVeth);
    return ThrowErrno(env, f.step, f.object, f.err, f.detail);
  }
  return env.Undefined();
}

void InitNetlink(Napi::Env env, Napi::Object exports) {
  exports.Set("attachVeth", Napi::Function::New(env, AttachVeth));
}
