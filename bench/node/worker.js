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
const { monitorEventLoopDelay } = require("node:perf_hooks");
const readline = require("node:readline");
const { io } = require("socket.io-client");

const now = () => Number(process.hrtime.bigint()) / 1e9;
const randomId = () => randomBytes(16).toString("hex");
const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, (at - now()) * 1000)));

// Broadcasts whose arrival times are kept, keyed by their seq: the moderator's
// agenda moves end with item_started; the question and poll steps time pins,
// openings and closings (bench/steps.py).
// The soak (bench/soak) also times the floor given and taken back, and answers.
const TRACKED_EVENTS = new Set([
  "item_started", "question_pinned", "poll_opened", "poll_closed",
  "floor_given", "turn_ended", "question_answered",
]);
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

  // Take a message's envelopes as the page does (static/js/core/live.js): skip what was
  // applied, apply in order, and on a gap ask for what was missed with `sync {since}`.
  receive(attendee, envelopes) {
    for (const envelope of envelopes) {
      if (attendee.seq === null) {
        // Before the first snapshot: kept to apply after it, and timed as it arrives.
        attendee.buffered.push(envelope);
        if (TRACKED_EVENTS.has(envelope.type)) this.saw(attendee, envelope.seq);
        continue;
      }
      if (envelope.seq <= attendee.seq) continue;
      if (envelope.prev > attendee.seq) {
        attendee.gaps += 1;
        this.resync(attendee);
        return;
      }
      attendee.seq = envelope.seq;
      if (TRACKED_EVENTS.has(envelope.type)) this.saw(attendee, envelope.seq);
    }
  }

  // The answer to a sync: a snapshot (too far behind), or the events after `since`.
  settle(attendee, ack, first = false) {
    if (ack.snapshot) {
      attendee.seq = ack.snapshot.seq;
      if (!first) attendee.snapshotSeq = ack.snapshot.seq;
      const buffered = attendee.buffered;
      attendee.buffered = [];
      this.receive(attendee, buffered);
      return "snapshot";
    }
    for (const envelope of ack.events) {
      if (attendee.seq !== null && envelope.seq <= attendee.seq) continue;
      attendee.seq = envelope.seq;
      if (TRACKED_EVENTS.has(envelope.type) && !attendee.seen.has(envelope.seq)) {
        attendee.caughtUp.set(envelope.seq, now());
      }
    }
    return "events";
  }

  async resync(attendee) {
    if (attendee.syncing) return;
    attendee.syncing = true;
    try {
      const ack = await attendee.socket.timeout(15000).emitWithAck("sync", { since: attendee.seq });
      if (ack.ok) this.settle(attendee, ack);
    } catch {
      // a drop meanwhile: the reconnection's own catch-up covers it
    } finally {
      attendee.syncing = false;
    }
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
      socket.on("events", (envelopes) => this.receive(attendee, envelopes));
      // The answer to `since` in the auth, sent with the connection (a reconnection).
      socket.on("synced", (ack) => {
        if (attendee.onSynced) attendee.onSynced(ack);
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

  // Baraza: join over HTTP, then connect with the token and take the snapshot: with the
  // connection (`sync: true` in the auth, the `synced` message), as the page does, or by
  // sending `sync` once connected (settings.first_sync "event").
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
    attendee.token = reply.token;
    const synced = await (this.settings.first_sync === "event"
      ? this.connectThenSync(attendee, reply.token)
      : this.connectSynced(attendee, reply.token));
    if (!synced.ok) throw new Error(`sync refused: ${synced.error && synced.error.code}`);
    this.settle(attendee, synced, true);
    attendee.live = true;
  }

  async connectSynced(attendee, token) {
    let late;
    const synced = new Promise((resolve, reject) => {
      attendee.onSynced = resolve;
      late = setTimeout(() => reject(new Error("no synced within 30 s")), 30000);
    });
    synced.catch(() => {}); // a refused connection leaves it unanswered
    try {
      await this.connect(attendee, { token, sync: true });
      attendee.connectedAt = now();
      return await synced; // Socket.IO delivers it before its own `connect`
    } finally {
      clearTimeout(late);
      attendee.onSynced = null;
    }
  }

  async connectThenSync(attendee, token) {
    await this.connect(attendee, { token });
    attendee.connectedAt = now();
    return attendee.socket.timeout(30000).emitWithAck("sync", {});
  }

  // Bring in `count` attendees, one every 1/`rate` seconds from `start_at`.
  async join({ count, rate, start_at }) {
    const errors = {};
    const latencies = [];
    const doneAt = [];
    const one = async (index) => {
      const number = this.settings.first_number + this.attendees.length;
      const urls = this.settings.urls;
      const attendee = {
        number, url: urls[number % urls.length], seen: new Map(), present: 0, presentAt: 0, connectedAt: 0,
        // The soak's: the last seq applied, events caught up by a sync, whether synced now.
        seq: null, buffered: [], caughtUp: new Map(), snapshotSeq: null, gaps: 0, syncing: false, live: false,
      };
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

  // For each key, the arrival time at every attendee who got it live, and how many did
  // not; of those, how many have it by now all the same (a sync's events or a snapshot
  // took them past it, as the page's gap detection does) and how many have not reached it.
  deliveries({ keys }) {
    const connected = this.connected();
    const found = {};
    for (const key of keys) {
      const times = this.attendees.filter((a) => a.seen.has(key)).map((a) => a.seen.get(key));
      const late = connected.filter((a) => !a.seen.has(key));
      const caughtUp = late.filter((a) => a.seq !== null && a.seq >= key).length;
      found[JSON.stringify(key)] = {
        times,
        missed: connected.length - times.length,
        caught_up: caughtUp,
        never: late.length - caughtUp,
      };
    }
    return found;
  }

  stats() {
    const gaps = this.attendees.reduce((sum, a) => sum + a.gaps, 0);
    return { messages: this.messages, bytes: this.bytes, connected: this.connected().length, gaps };
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
  // Replies: codes, latencies, the ok replies with the attendee's number, repeats, and
  // how late this process's own event loop ran (`lag_ms` p99 and max): one process
  // plays hundreds of attendees, so an ack it reads late is counted late.
  async burst(params) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
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
    delay.disable();
    const lag = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    return { senders: people.length, repeated, codes, latencies, replies, first_sent: firstSent, last_ack: lastAck, lag_ms: lag };
  }
}

// ---- the soak (bench/soak): scheduled commands, drops and rejoins, arrivals by key

Crowd.prototype.byNumber = function byNumber(number) {
  return this.attendees[number - this.settings.first_number];
};

// Resolve once the attendee is connected and synced, or after `within` seconds.
Crowd.prototype.whenLive = async function whenLive(attendee, within) {
  const deadline = now() + within;
  while (!(attendee.live && attendee.socket && attendee.socket.connected)) {
    if (now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
};

// Soak action: each command {number, event, payload, at} is sent by attendee `number`
// at `at` (monotonic s) with a fresh command id, as the page's outbox does: an attendee
// away at that moment sends it once back and synced (counted as `deferred`).
// Replies, one per command: sent (when last emitted), ack (s), code, deferred, resent,
// and the reply's ids (question, hand_id).
Crowd.prototype.commands = async function commands({ commands }) {
  const one = async (command) => {
    const attendee = this.byNumber(command.number);
    await sleepUntil(command.at);
    const deferred = !(attendee.live && attendee.socket && attendee.socket.connected);
    const result = { index: command.index, deferred, sent: null, ack: null, code: null, reply: null };
    if (!(await this.whenLive(attendee, 60))) {
      result.code = "not_connected";
      return result;
    }
    // A command cut off by a drop is sent again once back, with the same command id, as
    // the outbox does; its ack is timed from that last send.
    const payload = { ...command.payload, command_id: randomId() };
    result.resent = 0;
    for (;;) {
      result.sent = now();
      try {
        const reply = await attendee.socket.timeout(30000).emitWithAck(command.event, payload);
        result.ack = now() - result.sent;
        result.code = reply.ok ? "ok" : (reply.error && reply.error.code) || "?";
        if (reply.ok && reply.question) result.reply = { question_id: reply.question.id };
        if (reply.ok && reply.hand_id !== undefined) result.reply = { hand_id: reply.hand_id };
        return result;
      } catch (error) {
        const dropped = !attendee.live || !attendee.socket.connected;
        if (!dropped || result.resent >= 3 || !(await this.whenLive(attendee, 60))) {
          result.code = `${error.name}: ${String(error.message).slice(0, 40)}`;
          return result;
        }
        result.resent += 1;
      }
    }
  };
  return { results: await Promise.all(commands.map(one)) };
};

// Soak action: each drop {number, at, away} cuts attendee `number`'s connection at
// `at` (its WebSocket closed with no Socket.IO goodbye, as a phone's link drops: the
// server holds its presence for PRESENCE_GRACE) and opens a new one `away` seconds
// later, as the page does after a cut: the
// same token, auth {since: the last seq applied, sync: true}, and the answer taken
// from `synced` (a `sync` asked after 5 s without it). Replies, one per drop:
// dropped (when), resync (s from the new connection's start to its answer applied),
// kind (events or snapshot), code.
Crowd.prototype.churn = async function churn({ drops }) {
  const one = async (drop) => {
    const attendee = this.byNumber(drop.number);
    await sleepUntil(drop.at);
    const result = { dropped: null, resync: null, kind: null, code: null };
    if (!(await this.whenLive(attendee, 60))) {
      result.code = "not_connected";
      return result;
    }
    attendee.live = false;
    attendee.socket.io.engine.close();
    result.dropped = now();
    await sleepUntil(result.dropped + drop.away);
    const began = now();
    try {
      const synced = new Promise((resolve, reject) => {
        const late = setTimeout(() => {
          attendee.socket.timeout(15000).emitWithAck("sync", { since: attendee.seq }).then(resolve, reject);
        }, 5000);
        attendee.onSynced = (ack) => { clearTimeout(late); resolve(ack); };
      });
      await this.connect(attendee, { token: attendee.token, since: attendee.seq, sync: true });
      const ack = await synced;
      attendee.onSynced = null;
      if (!ack.ok) throw new Error(`sync refused: ${ack.error && ack.error.code}`);
      result.kind = this.settle(attendee, ack);
      result.resync = now() - began;
      result.code = "ok";
      attendee.live = true;
    } catch (error) {
      attendee.onSynced = null;
      result.code = `${error.name}: ${String(error.message).slice(0, 60)}`;
    }
    return result;
  };
  return { results: await Promise.all(drops.map(one)) };
};

// Soak action: for each key, when the last attendee received it live, how many did live,
// how many caught it up in a sync's answer or a snapshot, how many moved past it without
// it (missed),
// and how many have not reached it yet (away, or behind).
Crowd.prototype.arrivals = function arrivals({ keys }) {
  const found = {};
  for (const key of keys) {
    const entry = { last: null, live: 0, caught_up: 0, snapshot: 0, missed: 0, behind: 0 };
    for (const attendee of this.attendees) {
      if (attendee.seen.has(key)) {
        entry.live += 1;
        entry.last = Math.max(entry.last ?? 0, attendee.seen.get(key));
      } else if (attendee.caughtUp.has(key)) {
        entry.caught_up += 1;
      } else if (attendee.snapshotSeq !== null && attendee.snapshotSeq >= key) {
        entry.snapshot += 1; // a sync's snapshot holds it as state, not as an event
      } else if (attendee.seq !== null && attendee.seq >= key) {
        entry.missed += 1;
      } else {
        entry.behind += 1;
      }
    }
    found[JSON.stringify(key)] = entry;
  }
  return found;
};

const ACTIONS = {
  burst: (crowd, params) => crowd.burst(params),
  commands: (crowd, params) => crowd.commands(params),
  churn: (crowd, params) => crowd.churn(params),
  arrivals: async (crowd, params) => crowd.arrivals(params),
};

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
