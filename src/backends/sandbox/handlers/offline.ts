/**
 * What the bot can still do while QQ has it offline (control op `bot_offline`). Every other action
 * needs QQ's servers (sending, recalling, group admin, profile edits, uploads, friend operations,
 * likes, pokes, web credentials, server-side lists) and is refused `rejected` (OneBot 1500,
 * mirai 500), as a real stack whose QQ is offline fails it. The actions here read what the client
 * holds locally, or touch only the bridge host.
 */
export const WORKS_OFFLINE: ReadonlySet<string> = new Set([
  // The session itself: get_status is how a bot learns it is offline.
  'get_login_info', 'get_status', 'get_version_info', 'get_user_status',
  // Cached contact lists (the mirai faces' directory reads these too).
  'get_friend_list', 'get_friends_with_category', 'get_friend_msg_mask',
  'get_group_list', 'get_group_info', 'get_group_member_info', 'get_group_member_list',
  // Messages and media already received, kept locally.
  'get_msg', 'get_group_msg_history', 'get_friend_msg_history', 'get_recent_contact', 'get_image', 'get_record',
  // Answered "no" while offline (see message-extra.ts).
  'can_send_image', 'can_send_record',
  // The bridge host only.
  'download_file', 'get_qq_avatar', 'clean_cache', 'set_restart',
]);

/** The offline refusal, one message for every face. */
export const OFFLINE_MESSAGE = 'the bot is offline';
