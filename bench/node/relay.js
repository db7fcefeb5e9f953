// The Node.js baseline: a bare socket.io server that relays one client's "relay"
// message to every connected client, and acknowledges "ballot" messages at once. `node relay.js PORT`.
"use strict";

const http = require("node:http");
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 5100);
const server = http.createServer((request, response) => {
  response.writeHead(request.url === "/health" ? 200 : 404, { "Content-Type": "text/plain" });
  response.end(request.url === "/health" ? "ok" : "not found");
});
const io = new Server(server, { serveClient: false, pingInterval: 20000, pingTimeout: 20000 });

io.on("connection", (socket) => {
  socket.on("relay", (data) => io.emit("relay", data));
  socket.on("ballot", (_data, ack) => ack({ ok: true })); // the poll burst's baseline
});

server.listen({ host: "127.0.0.1", port, backlog: 4096 }, () => {
  console.log(`relay listening on 127.0.0.1:${port}`);
});
process.on("SIGTERM", () => process.exit(0));
