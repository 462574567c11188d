import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatGeneration, LLMResult } from "@langchain/core/outputs";
import { withoutSecrets } from "../endpoint.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";

/** Token counts as the model reported them (undefined when it did not). */
export interface ModelCallTokens {
  input?: number;
  output?: number;
  total?: number;
}

/**
 * Logs every call of a chat model at debug level: which model, for what (`use`), how long it took
 * from the request to the last token, and the tokens it reported; a failed call is logged the same
 * way with its error. It is a LangChain callback handler, so it sees every call made through the
 * model (streamed or not, inside a chain or with structured output) without the callers knowing.
 * The prompt and the reply are not logged: they hold users' questions.
 */
export class ModelCallLogger extends BaseCallbackHandler {
  name = "model-call-logger";
  // Logging is synchronous and cheap: awaited, a call's line is written before its caller goes on.
  override awaitHandlers = true;
  private readonly started = new Map<string, { at: number; model: string | undefined }>();

  constructor(
    private readonly logger: Logger,
    private readonly use: string,
  ) {
    super();
  }

  override handleChatModelStart(
    llm: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
  ): void {
    const options = extraParams?.invocation_params as { model?: string } | undefined;
    this.started.set(runId, { at: performance.now(), model: options?.model ?? llm.id.at(-1) });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const start = this.take(runId);
    this.logger.debug({ use: this.use, model: start?.model, latencyMs: start?.latencyMs, tokens: tokensOf(output) }, "model call");
  }

  override handleLLMError(error: unknown, runId: string): void {
    const start = this.take(runId);
    this.logger.debug(
      { use: this.use, model: start?.model, latencyMs: start?.latencyMs, err: withoutSecrets(errorMessage(error)) },
      "model call failed",
    );
  }

  private take(runId: string): { model: string | undefined; latencyMs: number } | undefined {
    const start = this.started.get(runId);
    this.started.delete(runId);
    return start ? { model: start.model, latencyMs: Math.round(performance.now() - start.at) } : undefined;
  }
}

/** From the message's usage metadata (streamed or not), else the provider's `tokenUsage`. */
export function tokensOf(output: LLMResult): ModelCallTokens {
  const message = (output.generations[0]?.[0] as ChatGeneration | undefined)?.message;
  const usage = message && AIMessage.isInstance(message) ? message.usage_metadata : undefined;
  if (usage) return { input: usage.input_tokens, output: usage.output_tokens, total: usage.total_tokens };
  const reported = output.llmOutput?.tokenUsage as { promptTokens?: number; completionTokens?: number; totalTokens?: number } | undefined;
  return { input: reported?.promptTokens, output: reported?.completionTokens, total: reported?.totalTokens };
}
