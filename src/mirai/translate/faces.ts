/**
 * QQ face ids with their Chinese alias and (for the classic set) the uppercase pinyin constant name,
 * so `Face{name}` resolves like mirai's face constants. A small table of common faces, not every id.
 */
const FACES: [id: number, alias: string, constant?: string][] = [
  [0, '惊讶', 'JING_YA'], [1, '撇嘴', 'PIE_ZUI'], [2, '色', 'SE'], [3, '发呆', 'FA_DAI'], [4, '得意', 'DE_YI'],
  [5, '流泪', 'LIU_LEI'], [6, '害羞', 'HAI_XIU'], [7, '闭嘴', 'BI_ZUI'], [8, '睡', 'SHUI'], [9, '大哭', 'DA_KU'],
  [10, '尴尬', 'GAN_GA'], [11, '发怒', 'FA_NU'], [12, '调皮', 'TIAO_PI'], [13, '呲牙', 'ZI_YA'], [14, '微笑', 'WEI_XIAO'],
  [15, '难过', 'NAN_GUO'], [16, '酷', 'KU'], [18, '抓狂', 'ZHUA_KUANG'], [19, '吐', 'TU'], [20, '偷笑', 'TOU_XIAO'],
  [21, '可爱', 'KE_AI'], [22, '白眼', 'BAI_YAN'], [23, '傲慢', 'AO_MAN'], [24, '饥饿', 'JI_E'], [25, '困', 'KUN'],
  [26, '惊恐', 'JING_KONG'], [27, '流汗', 'LIU_HAN'], [28, '憨笑', 'HAN_XIAO'], [29, '悠闲', 'YOU_XIAN'], [30, '奋斗', 'FEN_DOU'],
  [31, '咒骂', 'ZHOU_MA'], [32, '疑问', 'YI_WEN'], [33, '嘘', 'XU'], [34, '晕', 'YUN'], [35, '折磨', 'ZHE_MO'],
  [36, '衰', 'SHUAI'], [37, '骷髅', 'KU_LOU'], [38, '敲打', 'QIAO_DA'], [39, '再见', 'ZAI_JIAN'], [41, '发抖', 'FA_DOU'],
  [42, '爱情', 'AI_QING'], [43, '跳跳', 'TIAO_TIAO'], [46, '猪头', 'ZHU_TOU'], [49, '拥抱', 'YONG_BAO'], [53, '蛋糕', 'DAN_GAO'],
  [54, '闪电', 'SHAN_DIAN'], [55, '炸弹', 'ZHA_DAN'], [56, '刀', 'DAO'], [57, '足球', 'ZU_QIU'], [59, '便便', 'BIAN_BIAN'],
  [60, '咖啡', 'KA_FEI'], [61, '饭', 'FAN'], [63, '玫瑰', 'MEI_GUI'], [64, '凋谢', 'DIAO_XIE'], [66, '爱心', 'AI_XIN'],
  [67, '心碎', 'XIN_SUI'], [69, '礼物', 'LI_WU'], [74, '太阳', 'TAI_YANG'], [75, '月亮', 'YUE_LIANG'], [76, '赞', 'ZAN'],
  [77, '踩', 'CAI'], [78, '握手', 'WO_SHOU'], [79, '胜利', 'SHENG_LI'], [85, '飞吻', 'FEI_WEN'], [86, '怄火', 'OU_HUO'],
  [89, '西瓜', 'XI_GUA'], [96, '冷汗', 'LENG_HAN'], [97, '擦汗', 'CA_HAN'], [98, '抠鼻', 'KOU_BI'], [99, '鼓掌', 'GU_ZHANG'],
  [100, '糗大了', 'QIU_DA_LE'], [101, '坏笑', 'HUAI_XIAO'], [102, '左哼哼', 'ZUO_HENG_HENG'], [103, '右哼哼', 'YOU_HENG_HENG'],
  [104, '哈欠', 'HA_QIAN'], [105, '鄙视', 'BI_SHI'], [106, '委屈', 'WEI_QU'], [107, '快哭了', 'KUAI_KU_LE'], [108, '阴险', 'YIN_XIAN'],
  [109, '亲亲', 'QIN_QIN'], [110, '吓', 'XIA'], [111, '可怜', 'KE_LIAN'], [112, '菜刀', 'CAI_DAO'], [113, '啤酒', 'PI_JIU'],
  [114, '篮球', 'LAN_QIU'], [115, '乒乓', 'PING_PANG'], [116, '示爱', 'SHI_AI'], [117, '瓢虫', 'PIAO_CHONG'], [118, '抱拳', 'BAO_QUAN'],
  [119, '勾引', 'GOU_YIN'], [120, '拳头', 'QUAN_TOU'], [121, '差劲', 'CHA_JIN'], [122, '爱你', 'AI_NI'], [123, 'NO', 'NO'],
  [124, 'OK', 'OK'], [125, '转圈', 'ZHUAN_QUAN'], [126, '磕头', 'KE_TOU'], [127, '回头', 'HUI_TOU'], [128, '跳绳', 'TIAO_SHENG'],
  [129, '挥手', 'HUI_SHOU'], [130, '激动', 'JI_DONG'], [131, '街舞', 'JIE_WU'], [132, '献吻', 'XIAN_WEN'], [133, '左太极', 'ZUO_TAI_JI'],
  [134, '右太极', 'YOU_TAI_JI'], [136, '双喜', 'SHUANG_XI'], [137, '鞭炮', 'BIAN_PAO'], [138, '灯笼', 'DENG_LONG'], [140, 'K歌', 'K_GE'],
  [144, '喝彩', 'HE_CAI'], [145, '祈祷', 'QI_DAO'], [146, '爆筋', 'BAO_JIN'], [147, '棒棒糖', 'BANG_BANG_TANG'], [148, '喝奶', 'HE_NAI'],
  [151, '飞机', 'FEI_JI'], [158, '钞票', 'CHAO_PIAO'], [168, '药', 'YAO'], [169, '手枪', 'SHOU_QIANG'], [171, '茶', 'CHA'],
  [172, '眨眼睛', 'ZHA_YAN_JING'], [173, '泪奔', 'LEI_BEN'], [174, '无奈', 'WU_NAI'], [175, '卖萌', 'MAI_MENG'], [176, '小纠结', 'XIAO_JIU_JIE'],
  [177, '喷血', 'PEN_XIE'], [178, '斜眼笑', 'XIE_YAN_XIAO'], [179, 'doge', 'DOGE'], [180, '惊喜', 'JING_XI'], [181, '骚扰', 'SAO_RAO'],
  [182, '笑哭', 'XIAO_KU'], [183, '我最美', 'WO_ZUI_MEI'], [184, '河蟹', 'HE_XIE'], [185, '羊驼', 'YANG_TUO'], [187, '幽灵', 'YOU_LING'],
  [188, '蛋', 'DAN'], [190, '菊花', 'JU_HUA'], [192, '红包', 'HONG_BAO'], [193, '大笑', 'DA_XIAO'], [194, '不开心', 'BU_KAI_XIN'],
  [197, '冷漠', 'LENG_MO'], [198, '呃', 'E'], [199, '好棒', 'HAO_BANG'], [200, '拜托', 'BAI_TUO'], [201, '点赞', 'DIAN_ZAN'],
  [202, '无聊', 'WU_LIAO'], [203, '托脸', 'TUO_LIAN'], [204, '吃', 'CHI'], [205, '送花', 'SONG_HUA'], [206, '害怕', 'HAI_PA'],
  [207, '花痴', 'HUA_CHI'], [208, '小样儿', 'XIAO_YANG_ER'], [210, '飙泪', 'BIAO_LEI'], [211, '我不看', 'WO_BU_KAN'], [212, '托腮', 'TUO_SAI'],
  [214, '啵啵', 'BO_BO'], [215, '糊脸', 'HU_LIAN'], [216, '拍头', 'PAI_TOU'], [217, '扯一扯', 'CHE_YI_CHE'], [218, '舔一舔', 'TIAN_YI_TIAN'],
  [219, '蹭一蹭', 'CENG_YI_CENG'], [220, '拽炸天', 'ZHUAI_ZHA_TIAN'], [221, '顶呱呱', 'DING_GUA_GUA'], [222, '抱抱', 'BAO_BAO'], [223, '暴击', 'BAO_JI'],
  [224, '开枪', 'KAI_QIANG'], [225, '撩一撩', 'LIAO_YI_LIAO'], [226, '拍桌', 'PAI_ZHUO'], [227, '拍手', 'PAI_SHOU'], [228, '恭喜', 'GONG_XI'],
  [229, '干杯', 'GAN_BEI'], [230, '嘲讽', 'CHAO_FENG'], [231, '哼', 'HENG'], [232, '佛系', 'FO_XI'], [233, '掐一掐', 'QIA_YI_QIA'],
  [234, '惊呆', 'JING_DAI'], [235, '颤抖', 'CHAN_DOU'], [236, '啃头', 'KEN_TOU'], [237, '偷看', 'TOU_KAN'], [238, '扇脸', 'SHAN_LIAN'],
  [239, '原谅', 'YUAN_LIANG'], [240, '喷脸', 'PEN_LIAN'], [241, '生日快乐', 'SHENG_RI_KUAI_LE'],
  [264, '捂脸'], [265, '辣眼睛'], [266, '哦哟'], [267, '头秃'], [268, '问号脸'], [269, '暗中观察'], [270, 'emm'], [271, '吃瓜'],
  [272, '呵呵哒'], [273, '我酸了'], [277, '汪汪'], [278, '汗'], [281, '无眼笑'], [282, '敬礼'], [284, '面无表情'], [285, '摸鱼'],
  [287, '哦'], [289, '睁眼'], [293, '摸锦鲤'], [294, '期待'], [297, '拜谢'], [299, '牛啊'], [307, '喵喵'], [311, '打call'],
  [312, '变形'], [314, '仔细分析'], [317, '菜狗'], [318, '崇拜'], [319, '比心'], [320, '庆祝'], [322, '拒绝'], [323, '嫌弃'],
];

/** Sent when a Face has neither a usable id nor a known name (mirai's fallback). */
export const UNKNOWN_FACE_ID = 255;
export const UNKNOWN_FACE_NAME = '未知表情';

const BY_ID = new Map<number, string>(FACES.map(([id, alias]) => [id, alias]));
const BY_NAME = new Map<string, number>();
for (const [id, alias, constant] of FACES) {
  BY_NAME.set(alias.toLowerCase(), id);
  if (constant) BY_NAME.set(constant.toLowerCase(), id);
}

/** Face id for a name (Chinese alias, pinyin constant, or `/alias` as QQ shows it). */
export function faceIdByName(name: string): number | undefined {
  const key = name.trim().replace(/^\//, '').toLowerCase();
  return BY_NAME.get(key);
}

export function faceNameById(id: number): string | undefined {
  return BY_ID.get(id);
}
