// A load-generator process: a crowd of simulated attendees, driven by the coordinator.
//
// Each attendee is a real socket.io-client with its own WebSocket (forceNew). The
// coordinator (bench/coordinator.py) starts a few of these and talks to each over
// stdin and stdout, one JSON object a line:
//
//   in:  {"id": 3, "cmd": "join", ...}        out: {"id": 3, "reply": {...}}
//                                              out: {"complete": KEY, "at": T}
//
// `complete` is sent, unasked, when every connected attendee of this process has
// received tracked broadcast KEY; `at` is when the last of them did. Times are
// seconds of CLOCK_MONOTONIC (process.hrtime), the clock of Python's
// time.monotonic(), so the coordinator can subtract its own send times.
"use strict";

const { randomBytes } = require("node:crypto");
const readline = require("node:readline");
const { io } = require("socket.io-client");

const now = () => Number(process.hrtime.bigint()) / 1e9;
const randomId = () => randomBytes(16).toString("hex");
const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, (at - now()) * 1000)));

// Broadcasts whose arrival times are kept, keyed by their seq: the moderator's
// agenda moves end with item_started; the question and poll steps time pins,
// openings and closings (bench/steps.py).
const TRACKED_EVENTS = new Set(["item_started", "question_pinned", "poll_opened", "poll_closed"]);
const PACKET_KINDS = { 0: "connect", 1: "disconnect", 3: "ack", 4: "connect_error" };
const STATE_PREFIX = '2["state",{"name":"';

class Crowd {
  constructor(settings) {
    this.settings = settings;
    this.attendees = [];
    this.messages = {};
    this.bytes = 0;
    this.received = new Map();
    this.expected = 0;
  }

  connected() {
    return this.attendees.filter((a) => a.socket && a.socket.connected);
  }

  // Count one Socket.IO packet: its size on the wire (less framing) and its kind:
  // the event's name, and for a state push `state:NAME` (`state:poll_results`).
  count(data) {
    const text = typeof data === "string" ? data : "";
    this.bytes += text.length + 1; // the Engine.IO "message" type byte
    let kind = PACKET_KINDS[text[0]] || "other";
    if (text.startsWith(STATE_PREFIX)) {
      kind = "state:" + text.slice(STATE_PREFIX.length, text.indexOf('"', STATE_PREFIX.length));
    } else if (text[0] === "2") {
      const start = text.indexOf('["') + 2;
      kind = text.slice(start, text.indexOf('"', start));
    }
    this.messages[kind] = (this.messages[kind] || 0) + 1;
  }

  saw(attendee, key) {
    if (attendee.seen.has(key)) return;
    const at = now();
    attendee.seen.set(key, at);
    const count = (this.received.get(key) || 0) + 1;
    this.received.set(key, count);
    if (count === this.expected) send({ complete: key, at });
  }

  listen(attendee) {
    const socket = attendee.socket;
    socket.io.on("open", () => {
      socket.io.engine.on("packet", (packet) => {
        if (packet.type === "message") this.count(packet.data);
      });
    });
    if (this.settings.target === "baraza") {
      socket.on("events", (envelopes) => {
        for (const envelope of envelopes) {
          if (TRACKED_EVENTS.has(envelope.type)) this.saw(attendee, envelope.seq);
        }
      });
      socket.on("state", (state) => {
        if (state.name === "present" && state.data.present !== attendee.present) {
          attendee.present = state.data.present;
          attendee.presentAt = now();
        }
      });
    } else {
      socket.on("relay", (data) => {
        if (data.id !== null) this.saw(attendee, data.id);
      });
    }
  }

  // Open the attendee's socket; resolve once connected, reject on refusal or time-out.
  connect(attendee, auth) {
    attendee.socket = io(attendee.url, {
      transports: this.settings.transports,
      forceNew: true,
      reconnection: false,
      timeout: 30000,
      auth,
    });
    this.listen(attendee);
    return new Promise((resolve, reject) => {
      attendee.socket.once("connect", resolve);
      attendee.socket.once("connect_error", reject);
    });
  }

  // Baraza: join over HTTP, connect with the token, ask for the snapshot, as the page does.
  async arrive(attendee) {
    if (this.settings.target !== "baraza") {
      await this.connect(attendee, {});
      attendee.connectedAt = now();
      return;
    }
    const response = await fetch(`${attendee.url}/api/consultations/${this.settings.join_code}/join`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ display_name: `Attendee ${attendee.number}` }),
      signal: AbortSignal.timeout(60000),
    });
    const reply = await response.json();
    if (!reply.ok) throw new Error(`join refused: ${reply.error && reply.error.code}`);
    attendee.participantId = reply.participant_id;
    await this.connect(attendee, { token: reply.token });
    attendee.connectedAt = now();
    const synced = await attendee.socket.timeout(30000).emitWithAck("sync", {});
    if (!synced.ok) throw new Error(`sync refused: ${synced.error && synced.error.code}`);
  }

  // Bring in `count` attendees, one every 1/`rate` seconds from `start_at`.
  async join({ count, rate, start_at }) {
    const errors = {};
    const latencies = [];
    const doneAt = [];
    const one = async (index) => {
      const number = this.settings.first_number + this.attendees.length;
      const urls = this.settings.urls;
      const attendee = { number, url: urls[number % urls.length], seen: new Map(), present: 0, presentAt: 0, connectedAt: 0 };
      this.attendees.push(attendee);
      await sleepUntil(start_at + index / rate);
      const began = now();
      try {
        await this.arrive(attendee);
      } catch (error) {
        const reason = `${error.name}: ${String(error.message).slice(0, 80)}`;
        errors[reason] = (errors[reason] || 0) + 1;
        return;
      }
      doneAt.push(now());
      latencies.push(doneAt[doneAt.length - 1] - began);
    };
    await Promise.all(Array.from({ length: count }, (_, index) => one(index)));
    const connected = this.connected();
    this.expected = connected.length;
    return {
      joined: latencies.length,
      errors,
      latencies,
      last_done_at: doneAt.length ? Math.max(...doneAt) : null,
      last_connected_at: connected.length ? Math.max(...connected.map((a) => a.connectedAt)) : null,
    };
  }

  // Wait until every attendee's head count shows `expect`; say when the last one did.
  async presence({ expect, within }) {
    const deadline = now() + within;
    while (now() < deadline && this.connected().some((a) => a.present !== expect)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const connected = this.connected();
    return {
      behind: connected.filter((a) => a.present !== expect).length,
      last_at: connected.length ? Math.max(...connected.map((a) => a.presentAt)) : null,
    };
  }

  // For each key, the arrival time at every attendee who got it, and how many did not.
  deliveries({ keys }) {
    const connected = this.connected().length;
    const found = {};
    for (const key of keys) {
      const times = this.attendees.filter((a) => a.seen.has(key)).map((a) => a.seen.get(key));
      found[JSON.stringify(key)] = { times, missed: connected - times.length };
    }
    return found;
  }

  stats() {
    return { messages: this.messages, bytes: this.bytes, connected: this.connected().length };
  }

  async leave() {
    const began = now();
    const connected = this.connected();
    for (const attendee of connected) attendee.socket.disconnect();
    return { left: connected.length, seconds: now() - began };
  }

  // Worker action: a share of attendees send a few commands each, spread over a window.
  // params: event; payloads: attendee k sends each payload of payloads[k % length]
  // in turn, each after the previous one's ack; share (0..1 of this process's
  // attendees); repeat_share (0..1 of those who send each payload twice, the second
  // right after the first's ack); start_at (monotonic s); within (s); seed.
  // Replies: codes, latencies, the ok replies with the attendee's number, repeats.
  async burst(params) {
    let seed = (params.seed || 0) + this.settings.first_number + 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const people = this.connected().filter(() => random() < params.share);
    const codes = {};
    const latencies = [];
    const replies = [];
    let repeated = 0;
    let firstSent = null;
    let lastAck = null;
    const tally = (code) => (codes[code] = (codes[code] || 0) + 1);
    const sendOne = async (attendee, payload) => {
      const sent = now();
      firstSent = firstSent === null ? sent : Math.min(firstSent, sent);
      let reply;
      try {
        // Baraza: a fresh command id per send, as the attendee page's outbox does.
        const withId = this.settings.target === "baraza" ? { ...payload, command_id: randomId() } : payload;
        reply = await attendee.socket.timeout(30000).emitWithAck(params.event, withId);
      } catch (error) {
        tally(error.name);
        return;
      }
      lastAck = now();
      latencies.push(lastAck - sent);
      if (reply.ok) {
        tally("ok");
        replies.push({ attendee: attendee.number, reply });
      } else {
        tally((reply.error && reply.error.code) || "?");
      }
    };
    const one = async (attendee, delay, times) => {
      await sleepUntil(params.start_at + delay);
      for (const payload of params.payloads[attendee.number % params.payloads.length]) {
        for (let i = 0; i < times; i += 1) await sendOne(attendee, payload);
        repeated += times - 1;
      }
    };
    await Promise.all(
      people.map((a) => one(a, random() * params.within, random() < params.repeat_share ? 2 : 1)),
    );
    return { senders: people.length, repeated, codes, latencies, replies, first_sent: firstSent, last_ack: lastAck };
  }
}

const ACTIONS = { burst: (crowd, params) => crowd.burst(params) };

const COMMANDS = {
  join: (crowd, m) => crowd.join(m),
  presence: (crowd, m) => crowd.presence(m),
  stats: (crowd) => crowd.stats(),
  deliveries: (crowd, m) => crowd.deliveries(m),
  act: (crowd, m) => ACTIONS[m.action](crowd, m.params || {}),
  leave: (crowd) => crowd.leave(),
};

async function main() {
  const lines = readline.createInterface({ input: process.stdin });
  let crowd = null;
  for await (const line of lines) {
    const message = JSON.parse(line);
    if (crowd === null) {
      crowd = new Crowd(message);
      send({ ready: true });
      continue;
    }
    if (message.cmd === "quit") break;
    Promise.resolve()
      .then(() => COMMANDS[message.cmd](crowd, message))
      .then(
        (reply) => send({ id: message.id, reply }),
        (error) => send({ id: message.id, reply: { failed: `${error.name}: ${error.message}` } }),
      );
  }
  if (crowd) await crowd.leave();
  process.exit(0);
}

main();
