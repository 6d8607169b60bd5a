import type { ActionSpec } from './types';
import { MESSAGE_ACTIONS } from './actions/message';
import { GROUP_ACTIONS } from './actions/group';
import { ACCOUNT_ACTIONS } from './actions/account';

/** The OneBot action table: every action the bridge knows, declared once, read by every face. */
export const ACTIONS: ActionSpec[] = [...MESSAGE_ACTIONS, ...GROUP_ACTIONS, ...ACCOUNT_ACTIONS];
