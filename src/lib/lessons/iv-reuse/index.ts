// Lesson 5 (IV mistakes): its summary, counted (findings.ts) and then worded (prose.ts).
import { ivReuseFacts, type IvPair } from './findings';
import { ivReuseSummary, type IvReuseSummary } from './prose';

export { ivReuseFacts, type IvPair, type IvReuseFacts, type SentMessage } from './findings';
export { ivReuseSummary, type IvReuseSummary } from './prose';
export { IV_LESSON_DEFAULTS } from './defaults';

export const summarize = (o: IvPair): IvReuseSummary => ivReuseSummary(ivReuseFacts(o));
