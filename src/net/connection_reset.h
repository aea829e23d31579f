#pragma once

namespace crmsync::net {

// Resets (TCP RST) the server-side connection of this process whose local
// port is `local_port` and peer port `remote_port`, without closing its file
// descriptor: the socket is replaced by /dev/null through dup2, so the owner
// (cpp-httplib, which exposes no socket to handlers) fails its next write and
// closes the descriptor itself. Returns false when no such socket is found.
// Used for fault injection only; called from the thread serving the
// connection, which is what keeps the descriptor from being reused meanwhile.
bool reset_tcp_connection(int local_port, int remote_port);

}  // namespace crmsync::net
