// Connect with the official socket.io-client, subscribe to a project, print the first vote:updated.
// Usage: node client.mjs <url> <token> <project_id> [timeout_ms]
import { io } from "socket.io-client";

const [url, token, projectId, timeoutArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg ?? 10000);

const fail = (message) => {
  console.error(message);
  process.exit(1);
};

if (!url || !token || !projectId) fail("usage: node client.mjs <url> <token> <project_id>");

const timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms`), timeoutMs);
const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false });

socket.on("connect_error", (err) => fail(`connect_error: ${err.message}`));
socket.on("vote:updated", (payload) => {
  console.log(JSON.stringify(payload));
  clearTimeout(timer);
  socket.close();
  process.exit(0);
});
socket.on("connect", async () => {
  let ack;
  try {
    ack = await socket.timeout(5000).emitWithAck("subscribe", { project_id: projectId });
  } catch (err) {
    fail(`subscribe: no acknowledgement (${err.message})`);
  }
  if (!ack || ack.ok !== true) fail(`subscribe refused: ${JSON.stringify(ack)}`);
  console.log("subscribed");
});
