/**
 * Community gossip (NET-3): one gossipsub topic per community (named from the
 * secret, see names.ts) whose every message passes an async validator before
 * it is delivered or forwarded. A rejected message stops at the first hop, and
 * the peer that sent it loses score (topic score params with a heavy
 * invalid-delivery weight), so a persistent forger is graylisted.
 */
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub'
import { createTopicScoreParams, type TopicScoreParams } from '@libp2p/gossipsub/score'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { GossipMessageTooLargeError, NetAbortedError, TopicAlreadyJoinedError } from './errors'

/** The node-wide cap on a gossip message (gossipsub drops bigger ones before decoding them). */
export const GOSSIP_MAX_MESSAGE_BYTES = 256 * 1024

export type GossipVerdict = 'accept' | 'reject' | 'ignore'

/** Decide a message's fate. 'reject' = invalid (penalize the sender); 'ignore' = drop quietly (e.g. not yet decidable). */
export type GossipValidator = (data: Uint8Array, from: PeerId, signal: AbortSignal) => Promise<GossipVerdict> | GossipVerdict

export interface JoinGossipOptions {
  readonly validate: GossipValidator
  /** Called with each accepted message (after validation), with the peer that forwarded it. */
  readonly onMessage?: (data: Uint8Array, from: PeerId) => void
  /** Per-topic cap, at most GOSSIP_MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number
  /** A validator slower than this counts as 'ignore' (gossipsub expects validators to be fast). Default 5 s. */
  readonly validateTimeoutMs?: number
}

export interface GossipTopic {
  readonly topic: string
  /** Publish to every subscribed peer we know (flood publishing); resolves with how many peers it went to. */
  publish(data: Uint8Array, signal?: AbortSignal): Promise<number>
  /** Unsubscribe and drop the validator. */
  leave(): void
}

/** What gossipsub exposes beyond its public interface; guarded so a change there degrades to "no scoring", which the tests catch. */
interface GossipInternals {
  score?: { params?: { topics?: Record<string, TopicScoreParams> } }
}

/**
 * Score weights for a community topic: an invalid message costs -100 (squared
 * per count), below gossipsub's graylist threshold (-80) at the first offence.
 * Mesh-delivery penalties are off: small groups are quiet for hours, and that
 * is not misbehaviour.
 */
export const COMMUNITY_TOPIC_SCORE: Partial<TopicScoreParams> = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1000,
  timeInMeshCap: 100,
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 50,
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  invalidMessageDeliveriesWeight: -100,
  invalidMessageDeliveriesDecay: 0.9,
}

const VERDICT: Record<GossipVerdict, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
}

export function joinGossip(node: Libp2p<{ pubsub: GossipSub }>, topic: string, o: JoinGossipOptions): GossipTopic {
  const pubsub = node.services.pubsub
  if (pubsub.topicValidators.has(topic)) throw new TopicAlreadyJoinedError(topic)
  const cap = Math.min(o.maxMessageBytes ?? GOSSIP_MAX_MESSAGE_BYTES, GOSSIP_MAX_MESSAGE_BYTES)
  const timeoutMs = o.validateTimeoutMs ?? 5_000
  const left = new AbortController()

  pubsub.topicValidators.set(topic, async (from, msg) => {
    if (msg.data.length > cap || msg.data.length === 0) return TopicValidatorResult.Reject
    const signal = AbortSignal.any([left.signal, AbortSignal.timeout(timeoutMs)])
    try {
      const verdict = await Promise.race([
        Promise.resolve(o.validate(msg.data, from, signal)),
        new Promise<GossipVerdict>((resolve) => signal.addEventListener('abort', () => resolve('ignore'), { once: true })),
      ])
      return VERDICT[verdict] ?? TopicValidatorResult.Reject
    } catch {
      // A validator that throws on a message has found it invalid.
      return TopicValidatorResult.Reject
    }
  })

  const scoreTopics = (pubsub as unknown as GossipInternals).score?.params?.topics
  if (scoreTopics) scoreTopics[topic] = createTopicScoreParams(COMMUNITY_TOPIC_SCORE)

  const onMessage = (evt: CustomEvent<{ propagationSource: PeerId; msg: { topic: string; data: Uint8Array } }>): void => {
    if (evt.detail.msg.topic !== topic) return
    try {
      o.onMessage?.(evt.detail.msg.data, evt.detail.propagationSource)
    } catch {
      // A failing consumer must not break delivery of later messages.
    }
  }
  pubsub.addEventListener('gossipsub:message', onMessage as never)
  pubsub.subscribe(topic)

  return {
    topic,
    async publish(data, signal) {
      if (data.length > cap) throw new GossipMessageTooLargeError(data.length, cap)
      if (signal?.aborted) throw new NetAbortedError('Publishing')
      const r = await pubsub.publish(topic, data)
      return r.recipients.length
    },
    leave() {
      left.abort()
      pubsub.removeEventListener('gossipsub:message', onMessage as never)
      pubsub.unsubscribe(topic)
      pubsub.topicValidators.delete(topic)
      if (scoreTopics) delete scoreTopics[topic]
    },
  }
}
