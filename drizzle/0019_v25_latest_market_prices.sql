-- v25: a game's latest price per source, kind and player in one index seek per group (src/services/markets.ts).
-- The group's key is the player when the market mapped to one, else the name the venue gave (as the query reads it).
CREATE INDEX `market_odds_latest_idx` ON `market_odds` (`game_id`, `source`, `kind`, coalesce(`player_id`, `player_name`), `snapshot_time` DESC);
