// Proves the Discord stand-in against the REAL discord.js Client: it logs in over HTTP and
// WebSocket on 127.0.0.1 and every call below goes through @discordjs/rest and @discordjs/ws
// unchanged. Each test has its own stand-in and client.
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Message,
  type TextChannel,
} from "discord.js";
import { WebSocket } from "ws";
import { DEFAULT_BOT_PERMISSIONS, startDiscordStandIn, type DiscordStandIn, type DiscordStandInOptions } from "./discordStandIn.js";

function newClient(discord: DiscordStandIn): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    rest: { api: discord.apiUrl },
    allowedMentions: { parse: [] },
  });
}

/** A stand-in and a logged-in, ready client; both torn down after the test. */
async function connected(t: TestContext, options?: DiscordStandInOptions): Promise<{ discord: DiscordStandIn; client: Client }> {
  const discord = await startDiscordStandIn(options);
  const client = newClient(discord);
  t.after(async () => {
    await client.destroy();
    await discord.close();
  });
  const ready = once(client, Events.ClientReady);
  await client.login(discord.token);
  await ready;
  return { discord, client };
}

function textChannel(client: Client, id: string): TextChannel {
  const channel = client.channels.cache.get(id);
  assert.ok(channel?.type === ChannelType.GuildText, `channel ${id} should be a cached text channel`);
  return channel;
}

async function nextMessage(client: Client, act: () => Promise<unknown>): Promise<Message> {
  const received = once(client, Events.MessageCreate);
  await act();
  const [message] = (await received) as [Message];
  return message;
}

// Each test has its own stand-in and client, so they run concurrently.
describe("discord stand-in with the real discord.js client", { concurrency: true }, () => {
  test("given the stand-in, when the client logs in, then it is ready with the guild, channels, roles and members cached", async (t) => {
    const { discord, client } = await connected(t);

    assert.equal(client.user?.id, discord.botUser.id);
    assert.equal(client.application?.id, discord.applicationId);
    const guild = client.guilds.cache.get(discord.guildId);
    assert.ok(guild);
    assert.equal(textChannel(client, discord.channelIds.general).guildId, discord.guildId);
    assert.equal(guild.roles.everyone.id, discord.roleIds.everyone);
    assert.ok(guild.roles.cache.get(discord.roleIds.admin)?.permissions.has(PermissionFlagsBits.ManageGuild));
    assert.ok(guild.members.me?.permissionsIn(discord.channelIds.general).has(PermissionFlagsBits.SendMessages));
    assert.ok(guild.members.cache.get(discord.users.carol)?.permissions.has(PermissionFlagsBits.ManageGuild));
    assert.equal(guild.members.cache.get(discord.users.alice)?.permissions.has(PermissionFlagsBits.ManageGuild), false);
    assert.equal(discord.identifyCount, 1);
    assert.ok(discord.requests.some((r) => r.method === "GET" && r.path === "/gateway/bot" && r.authorized));

    const application = await client.application!.fetch();
    assert.equal(application.id, discord.applicationId);
    const fetched = await client.channels.fetch(discord.channelIds.answers, { force: true });
    assert.equal(fetched?.id, discord.channelIds.answers);
    await guild.commands.set([{ name: "digest", description: "Today's papers" }]);
    assert.deepEqual(
      discord.commands(discord.guildId).map((c) => c.name),
      ["digest"],
    );
    assert.deepEqual((await client.application!.commands.fetch()).size, 0);
    assert.deepEqual(discord.violations, []);
  });

  test("given a short heartbeat interval, when the client heartbeats, then every beat is acknowledged", async (t) => {
    // Client and stand-in share one event loop: a stall longer than the interval would look like a
    // missed ACK to discord.js (zombie check) on a loaded CI host, so the interval leaves room for it.
    const { discord, client } = await connected(t, { heartbeatIntervalMs: 1000 });

    await discord.waitFor(() => discord.heartbeatCount >= 3, 15_000, "three heartbeats");

    assert.ok(client.ws.ping >= 0, "discord.js measured a ping, so op 11 arrived");
    assert.equal(discord.identifyCount, 1, "no zombie-connection reconnect");
  });

  test("given a wrong token in IDENTIFY, then the gateway closes with 4004", async (t) => {
    const discord = await startDiscordStandIn();
    t.after(() => discord.close());
    const socket = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json`);
    socket.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { op: number };
      if (frame.op === 10) socket.send(JSON.stringify({ op: 2, d: { token: "wrong", intents: 513, properties: {} } }));
    });
    const [code] = (await once(socket, "close")) as [number];
    assert.equal(code, 4004);
    assert.equal(discord.identifyCount, 0);
  });

  test("given a message mentioning the bot, when the bot types and replies, then the reply is stored as a reply that pings nobody", async (t) => {
    const { discord, client } = await connected(t);

    const message = await nextMessage(client, () =>
      discord.sendMessage({ channelId: discord.channelIds.general, content: "what is attention?", mentionBot: true }),
    );
    assert.equal(message.content, `<@${discord.botUser.id}> what is attention?`);
    assert.ok(message.mentions.has(client.user!));
    assert.equal(message.author.id, discord.users.alice);
    assert.ok(discord.dispatchedAt(message.id) !== undefined);

    await textChannel(client, discord.channelIds.general).sendTyping();
    const reply = await message.reply("Attention weighs tokens.");

    const history = discord.channelMessages(discord.channelIds.general);
    assert.deepEqual(
      history.map((m) => m.content),
      [message.content, "Attention weighs tokens."],
    );
    assert.equal(history[1]?.message_reference?.message_id, message.id);
    assert.equal(reply.reference?.messageId, message.id);
    assert.ok(
      discord.requests.some((r) => r.method === "POST" && r.path === `/channels/${discord.channelIds.general}/typing` && r.status === 204),
    );
    assert.equal(discord.messagesSent.length, 1);
    assert.deepEqual(discord.messagesSent[0]?.body.allowed_mentions, { parse: [] });
    assert.equal(discord.pings(reply.id), false);

    await message.react("👍");
    assert.deepEqual(
      discord.reactions.map((r) => [r.messageId, r.emoji, r.action]),
      [[message.id, "👍", "add"]],
    );
    await assert.rejects(message.react("thumbsup"), { code: 10014 });

    const loud = await textChannel(client, discord.channelIds.general).send({
      content: "@everyone read this",
      allowedMentions: { parse: ["everyone"] },
    });
    assert.equal(discord.pings(loud.id), true);
    assert.equal(discord.mentionReport(loud.id).everyone, true);
    assert.deepEqual(
      discord.violations.map((v) => v.code),
      [10014],
    );
  });

  test("given a user message, when the bot starts a thread from it and sends there, then the thread and its message are recorded", async (t) => {
    const { discord, client } = await connected(t);
    const message = await nextMessage(client, () =>
      discord.sendMessage({ channelId: discord.channelIds.general, content: "long question" }),
    );

    const thread = await message.startThread({ name: "Long question" });
    await thread.send("Let's discuss here.");

    assert.equal(thread.id, message.id, "a thread started from a message has the message's id");
    assert.equal(thread.parentId, discord.channelIds.general);
    assert.deepEqual(
      discord.threads.map((th) => ({ id: th.id, parentId: th.parentId, name: th.name, ownerId: th.ownerId })),
      [{ id: message.id, parentId: discord.channelIds.general, name: "Long question", ownerId: discord.botUser.id }],
    );
    assert.deepEqual(
      discord.channelMessages(thread.id).map((m) => m.content),
      ["Let's discuss here."],
    );
    assert.equal(discord.channelMessages(discord.channelIds.general)[0]?.thread?.id, thread.id);
    assert.equal(client.channels.cache.get(thread.id)?.isThread(), true);

    const standalone = await textChannel(client, discord.channelIds.answers).threads.create({ name: "Reading group" });
    assert.equal(standalone.parentId, discord.channelIds.answers);
    assert.deepEqual(
      discord.threads.map((th) => th.name),
      ["Long question", "Reading group"],
    );
    assert.deepEqual(discord.violations, []);
  });

  test("given a bot message, when the bot edits it, then channelMessages shows the edited content", async (t) => {
    const { discord, client } = await connected(t);
    const sent = await textChannel(client, discord.channelIds.answers).send("draft answer");

    await sent.edit("final answer");

    const [stored] = discord.channelMessages(discord.channelIds.answers);
    assert.equal(stored?.content, "final answer");
    assert.ok(stored?.edited_timestamp);
    assert.deepEqual(
      discord.messagesSent.map((r) => r.kind),
      ["create", "edit"],
    );

    await textChannel(client, discord.channelIds.answers).send("second");
    await textChannel(client, discord.channelIds.answers).send("third");
    const latest = await textChannel(client, discord.channelIds.answers).messages.fetch({ limit: 2, cache: false });
    assert.deepEqual(
      [...latest.values()].map((m) => m.content),
      ["third", "second"],
      "newest first, like Discord",
    );
  });

  test("given a scripted 429 on POST messages, when the bot sends, then discord.js waits, retries and the message is stored once", async (t) => {
    const { discord, client } = await connected(t);
    discord.rateLimitNext({ method: "POST", path: /^\/channels\/\d+\/messages$/ }, 0.2);

    const started = performance.now();
    await textChannel(client, discord.channelIds.general).send("after the limit");
    const elapsed = performance.now() - started;

    const posts = discord.requests.filter((r) => r.method === "POST" && r.path === `/channels/${discord.channelIds.general}/messages`);
    assert.deepEqual(
      posts.map((r) => r.status),
      [429, 200],
    );
    assert.ok(elapsed >= 200, `retried after the retry-after (${elapsed.toFixed(0)} ms)`);
    assert.equal(discord.channelMessages(discord.channelIds.general).length, 1);
    assert.equal(discord.rateLimited.length, 1);
    assert.deepEqual(discord.violations, []);
  });

  test("given a scripted global 429, when the bot sends, then discord.js waits it out and succeeds", async (t) => {
    const { discord, client } = await connected(t);
    discord.rateLimitNext({ method: "POST" }, 0.1, { global: true });

    await textChannel(client, discord.channelIds.other).send("global limit passed");

    assert.deepEqual(
      discord.rateLimited.map((r) => r.global),
      [true],
    );
    assert.equal(discord.channelMessages(discord.channelIds.other).length, 1);
  });

  test("given a registered slash command, when the bot defers, edits and follows up, then each step is recorded", async (t) => {
    const { discord, client } = await connected(t);
    await client.application!.commands.set([
      {
        name: "ask",
        description: "Ask about papers",
        options: [{ name: "question", description: "Your question", type: 3, required: true }],
      },
    ]);
    const [registered] = discord.commands();
    assert.equal(registered?.name, "ask");

    const received = once(client, Events.InteractionCreate);
    const handle = await discord.interact({ kind: "command", name: "ask", options: { question: "what is RAG?" } });
    const [interaction] = (await received) as [ChatInputCommandInteraction];
    assert.ok(interaction.isChatInputCommand());
    assert.equal(interaction.commandId, registered?.id);
    assert.equal(interaction.options.getString("question"), "what is RAG?");
    assert.equal(interaction.user.id, discord.users.alice);

    await interaction.deferReply();
    assert.equal(handle.original?.flags, MessageFlags.Loading);
    await interaction.editReply("Retrieval-augmented generation.");
    await interaction.followUp({ content: "Sources: [1]", flags: MessageFlags.Ephemeral });
    await handle.waitForFinal();

    assert.deepEqual(
      handle.callbacks.map((c) => c.type),
      [5],
    );
    assert.ok(handle.ackLatencyMs !== undefined && handle.ackLatencyMs < 3000);
    assert.deepEqual(
      handle.edits.map((e) => e.content),
      ["Retrieval-augmented generation."],
    );
    assert.deepEqual(
      handle.followUps.map((f) => f.content),
      ["Sources: [1]"],
    );
    assert.equal(handle.original?.content, "Retrieval-augmented generation.");
    assert.equal(handle.followUpMessages[0]?.flags, MessageFlags.Ephemeral);
    assert.deepEqual(
      discord.channelMessages(discord.channelIds.general).map((m) => m.content),
      ["Retrieval-augmented generation."],
    );

    const fetchedReply = await interaction.fetchReply();
    assert.equal(fetchedReply.content, "Retrieval-augmented generation.");
    const followUpId = handle.followUpMessages[0]?.id ?? "";
    await interaction.editReply({ message: followUpId, content: "Sources: [1], [2]" });
    assert.equal(discord.message(followUpId)?.content, "Sources: [1], [2]");
    assert.equal(handle.edits.length, 1, "edits lists @original edits only");
    assert.deepEqual(discord.violations, []);
  });

  test("given an interaction already answered, when the bot answers again, then Discord's 400 40060 comes back", async (t) => {
    const { discord, client } = await connected(t);
    const received = once(client, Events.InteractionCreate);
    const handle = await discord.interact({ kind: "command", name: "ask" });
    const [interaction] = (await received) as [ChatInputCommandInteraction];

    const response = await interaction.reply({ content: "first", withResponse: true });
    assert.equal(response.resource?.message?.content, "first", "with_response=true answers 200 with the created message");
    await assert.rejects(
      client.rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
        body: { type: 4, data: { content: "again" } },
        auth: false,
      }),
      {
        status: 400,
        code: 40060,
      },
    );

    assert.equal(handle.rejectedCallbacks[0]?.code, 40060);
    assert.deepEqual(
      handle.callbacks.map((c) => c.type),
      [4],
    );
    assert.deepEqual(
      discord.violations.map((v) => v.code),
      [40060],
    );
  });

  test("given an interaction past its acknowledgement deadline, when the bot replies, then Discord's 404 10062 comes back", async (t) => {
    const { discord, client } = await connected(t, { interactionAckDeadlineMs: 50 });
    const received = once(client, Events.InteractionCreate);
    const handle = await discord.interact({ kind: "command", name: "ask" });
    const [interaction] = (await received) as [ChatInputCommandInteraction];

    await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(interaction.reply("too late"), { status: 404, code: 10062 });

    assert.equal(handle.callbacks.length, 0);
    assert.deepEqual(
      discord.violations.map((v) => v.code),
      [10062],
    );
  });

  test("given a deferred reply, when the bot follows up without editing, then the follow-up fills in the deferred message", async (t) => {
    const { discord, client } = await connected(t);
    const received = once(client, Events.InteractionCreate);
    const handle = await discord.interact({ kind: "command", name: "digest", guild: false, userId: discord.users.bob });
    const [interaction] = (await received) as [ChatInputCommandInteraction];
    assert.equal(interaction.guildId, null);

    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const message = await interaction.followUp("Today's digest.");

    const final = await handle.waitForFinal();
    assert.equal(message.id, final.original?.id, "Discord answers with the deferred message itself");
    assert.equal(final.original?.content, "Today's digest.");
    assert.equal(final.original?.flags, MessageFlags.Ephemeral, "the defer decided it is ephemeral");
    assert.deepEqual(handle.followUpMessages, []);
    assert.equal(discord.pings(message.id), false);
  });

  test("given an autocomplete interaction, when the bot responds, then the choices are recorded", async (t) => {
    const { discord, client } = await connected(t);
    const received = once(client, Events.InteractionCreate);
    const handle = await discord.interact({ kind: "autocomplete", name: "paper", subcommand: "find", options: { title: "atten" } });
    const [interaction] = (await received) as [AutocompleteInteraction];
    assert.ok(interaction.isAutocomplete());
    assert.equal(interaction.options.getSubcommand(), "find");
    assert.deepEqual(interaction.options.getFocused(true), { name: "title", type: 3, value: "atten", focused: true });

    await interaction.respond([{ name: "Attention Is All You Need", value: "1706.03762" }]);

    assert.deepEqual(
      handle.callbacks.map((c) => c.type),
      [8],
    );
    assert.deepEqual(handle.choices, [{ name: "Attention Is All You Need", value: "1706.03762" }]);
    assert.deepEqual(discord.violations, []);
  });

  test("given a bot message with a button, when it is clicked, then update edits that message and reply answers ephemerally", async (t) => {
    const { discord, client } = await connected(t);
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId("more").setLabel("More").setStyle(ButtonStyle.Primary),
    );
    const posted = await textChannel(client, discord.channelIds.answers).send({ content: "Short answer.", components: [row] });

    let received = once(client, Events.InteractionCreate);
    const click = await discord.interact({ kind: "button", customId: "more", channelId: discord.channelIds.answers });
    let [interaction] = (await received) as [ButtonInteraction];
    assert.ok(interaction.isButton());
    assert.equal(interaction.message.id, posted.id);
    await interaction.update({ content: "Longer answer.", components: [] });
    assert.deepEqual(
      click.callbacks.map((c) => c.type),
      [7],
    );
    assert.equal(discord.message(posted.id)?.content, "Longer answer.");
    assert.deepEqual(discord.message(posted.id)?.components, []);

    received = once(client, Events.InteractionCreate);
    const second = await discord.interact({
      kind: "button",
      customId: "more",
      message: posted.id,
      userId: discord.users.bob,
      memberPermissions: PermissionFlagsBits.ManageGuild,
    });
    [interaction] = (await received) as [ButtonInteraction];
    assert.equal(interaction.user.id, discord.users.bob);
    assert.equal(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild), true);
    await interaction.reply({ content: "Only you can see this.", flags: MessageFlags.Ephemeral });
    assert.deepEqual(
      second.callbacks.map((c) => c.type),
      [4],
    );
    assert.equal(second.original?.flags, MessageFlags.Ephemeral);
    assert.deepEqual(
      discord.channelMessages(discord.channelIds.answers).map((m) => m.content),
      ["Longer answer."],
    );
    assert.deepEqual(discord.violations, []);
  });

  test("given a dropped gateway connection, when the client resumes, then missed events are replayed and new ones arrive", async (t) => {
    const { discord, client } = await connected(t);
    const resumed = once(client, Events.ShardResume);

    await discord.dropConnection();
    const message = await nextMessage(client, () =>
      discord.sendMessage({ channelId: discord.channelIds.general, content: "sent while away" }),
    );
    await resumed;

    assert.equal(message.content, "sent while away");
    assert.equal(discord.resumeCount, 1);
    assert.equal(discord.identifyCount, 1);
    assert.deepEqual(discord.gatewayConnections, ["/gateway", "/resume"]);
    const after = await nextMessage(client, () => discord.sendMessage({ channelId: discord.channelIds.general, content: "after resume" }));
    assert.equal(after.content, "after resume");

    await discord.dropConnection(4000, { abrupt: true });
    const cut = await nextMessage(client, () => discord.sendMessage({ channelId: discord.channelIds.general, content: "after a cut" }));
    assert.equal(cut.content, "after a cut");
    assert.equal(discord.resumeCount, 2);
  });

  test("given a client without the MessageContent intent, then guild messages arrive blank unless they mention the bot", async (t) => {
    const discord = await startDiscordStandIn();
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
      partials: [Partials.Channel],
      rest: { api: discord.apiUrl },
    });
    t.after(async () => {
      await client.destroy();
      await discord.close();
    });
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;

    const plain = await nextMessage(client, () => discord.sendMessage({ channelId: discord.channelIds.general, content: "no mention" }));
    const mention = await nextMessage(client, () =>
      discord.sendMessage({ channelId: discord.channelIds.general, content: "hey", mentionBot: true }),
    );
    const dm = await nextMessage(client, () => discord.sendDm({ content: "private" }));

    assert.equal(plain.content, "");
    assert.equal(mention.content, `<@${discord.botUser.id}> hey`);
    assert.equal(dm.content, "private");
  });

  test("given 20 users writing at once, then the client receives all 20 messages with their authors", async (t) => {
    const { discord, client } = await connected(t);
    const authors = new Set<string>();
    const all = discord.waitFor(() => authors.size === 20, 5000, "20 messages");
    client.on(Events.MessageCreate, (message) => {
      if (!message.author.bot) authors.add(message.author.username);
    });

    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        discord.sendMessage({ channelId: discord.channelIds.general, content: `question ${i + 1}`, authorId: discord.user(i + 1) }),
      ),
    );
    await all;

    assert.ok(authors.has("user20"));
    assert.equal(discord.user(20), discord.user(20));
    assert.equal(discord.channelMessages(discord.channelIds.general).length, 20);
  });

  test("given the bot loses Send Messages, then discord.js sees it and sending is refused with 403 50013", async (t) => {
    const { discord, client } = await connected(t);
    const channel = textChannel(client, discord.channelIds.general);
    const updated = once(client, Events.GuildRoleUpdate);

    await discord.setBotPermissions(DEFAULT_BOT_PERMISSIONS & ~PermissionFlagsBits.SendMessages);
    await updated;

    assert.equal(channel.permissionsFor(client.user!)?.has(PermissionFlagsBits.SendMessages), false);
    await assert.rejects(channel.send("hello?"), { status: 403, code: 50013 });
    assert.deepEqual(
      discord.violations.map((v) => v.code),
      [50013],
    );
  });

  test("given a DM, when it arrives, then the client sees it in a DM channel and can answer there", async (t) => {
    const { discord, client } = await connected(t);
    const dm = await nextMessage(client, () => discord.sendDm({ userId: discord.users.bob, content: "hello bot" }));

    assert.equal(dm.channel.type, ChannelType.DM);
    assert.equal(dm.guildId, null);
    await dm.reply("hello bob");

    assert.deepEqual(
      discord.channelMessages(dm.channelId).map((m) => m.content),
      ["hello bot", "hello bob"],
    );
  });

  test("given content over 2000 characters, when the bot sends it, then Discord's 400 50035 comes back and a violation is recorded", async (t) => {
    const { discord, client } = await connected(t);

    await assert.rejects(textChannel(client, discord.channelIds.general).send("x".repeat(2001)), { status: 400, code: 50035 });
    await assert.rejects(
      textChannel(client, discord.channelIds.general).send({
        embeds: [{ description: "y".repeat(4000) }, { description: "z".repeat(2001) }],
      }),
      {
        code: 50035,
      },
    );

    await assert.rejects(client.rest.post(`/channels/${discord.channelIds.general}/messages`, { body: { content: "" } }), {
      status: 400,
      code: 50006,
    });
    await assert.rejects(
      textChannel(client, discord.channelIds.general).send({ embeds: Array.from({ length: 11 }, () => ({ title: "t" })) }),
      { code: 50035 },
    );

    assert.deepEqual(
      discord.violations.map((v) => v.code),
      [50035, 50035, 50006, 50035],
    );
    assert.deepEqual(discord.violations[0]?.errors, {
      content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." }] },
    });
    assert.equal(discord.channelMessages(discord.channelIds.general).length, 0);
  });

  test("given a request to a route Discord does not have, then it gets 404 and is recorded", async (t) => {
    const { discord, client } = await connected(t);

    await assert.rejects(client.rest.get("/channels/1/pins/everything"), { status: 404 });

    assert.deepEqual(
      discord.unknownRoutes.map((r) => `${r.method} ${r.path}`),
      ["GET /channels/1/pins/everything"],
    );
    assert.equal(discord.violations[0]?.message, "404: Not Found");
  });

  test("given a wrong token, when the client logs in, then login fails with TokenInvalid", async (t) => {
    const discord = await startDiscordStandIn();
    const client = newClient(discord);
    t.after(async () => {
      await client.destroy();
      await discord.close();
    });
    await assert.rejects(client.login("not-the-token"), { code: "TokenInvalid" });
    assert.equal(discord.violations[0]?.status, 401);
  });
});

// Runs after the suite above has torn everything down, so the process's handles are its own.
describe("discord stand-in teardown", () => {
  test("given a client destroyed and the stand-in closed, then no socket or server handle is left open", async () => {
    const discord = await startDiscordStandIn();
    const client = newClient(discord);
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
    await textChannel(client, discord.channelIds.general).send("bye");

    await client.destroy();
    await discord.close();

    const deadline = performance.now() + 1000;
    let open = process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap");
    while (open.length > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      open = process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap");
    }
    assert.deepEqual(open, []);
  });
});
