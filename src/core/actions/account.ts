import type { ActionSpec } from '../types';

/** Account, profile, friend and system actions: the seed page (all but set_group_portrait), its live additions, the standard ones. */
export const ACCOUNT_ACTIONS: ActionSpec[] = [
  // Seed page ("账号资料 API").
  { name: 'send_like' },
  { name: 'set_qq_profile' },
  { name: 'set_qq_avatar', slow: true },
  { name: 'set_self_longnick', rename: { longNick: 'long_nick' } },
  { name: 'set_online_status' },
  { name: 'get_roaming_stamp', aliases: ['fetch_custom_face'] },
  { name: 'delete_stamp' },
  { name: 'add_friend_category' },
  { name: 'delete_friend_category' },
  { name: 'rename_friend_category' },
  { name: 'delete_friend', rename: { id: 'user_id', friend_id: 'user_id' } },
  { name: 'get_unidirectional_friend_list' },
  { name: 'delete_unidirectional_friend', stub: 'deleting a unidirectional friend is not supported' },
  // Live page additions.
  { name: 'get_user_status', aliases: ['nc_get_user_status'] },
  { name: 'get_clientkey' },
  { name: 'set_friend_category' },
  { name: 'set_friend_remark' },
  { name: 'set_friend_msg_mask' },
  { name: 'get_friend_msg_mask' },
  { name: 'get_friends_with_category' },
  { name: 'get_qq_avatar' },
  // Standard OneBot v11.
  { name: 'get_login_info' },
  { name: 'get_stranger_info' },
  { name: 'get_friend_list' },
  { name: 'set_friend_add_request' },
  { name: 'get_cookies' },
  { name: 'get_csrf_token' },
  { name: 'get_credentials' },
  { name: 'get_status' },
  { name: 'get_version_info' },
  { name: 'set_restart' },
  { name: 'clean_cache' },
  // Widely used extensions.
  { name: 'get_online_clients' },
  { name: 'check_url_safely' },
  { name: 'get_supported_actions' },
  /** Friend requests QQ held back as doubtful (they come with no request event). */
  { name: 'get_doubt_friends_add_request' },
  { name: 'set_doubt_friends_add_request' },
  // Registered so clients probing for them get a clear 1404 + not_supported.
  { name: 'set_model_show', aliases: ['_set_model_show'], stub: 'device model display is not supported' },
  { name: 'get_model_show', aliases: ['_get_model_show'], stub: 'device model display is not supported' },
  { name: 'qidian_get_account_info', stub: 'QiDian (enterprise QQ) accounts are not supported' },
  { name: 'get_word_slices', stub: 'word segmentation is not supported' },
];
