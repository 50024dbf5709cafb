// The read side of the social graph that the room join policy needs, as facts about pairs and groups.

export interface SocialGraph {
  areConnected(a: string, b: string): Promise<boolean>;
  isBlockedEitherWay(a: string, b: string): Promise<boolean>;
  isGroupMember(groupId: string, memberId: string): Promise<boolean>;
  connectionCount(memberId: string): Promise<number>;
}
