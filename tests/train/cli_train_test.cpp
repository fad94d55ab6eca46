// End-to-end test of `clipbench train`: a CSV of images, a checkpoint that build_model loads, the
// JSON-lines log, and errors for bad input.
#include <fstream>
#include <nlohmann/json.hpp>

#include "clip/load_state_dict.h"
#include "clip/safetensors.h"
#include "tests/support/catch.h"
#include "tests/support/image_files.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"
#include "train/train_configs.h"

using clipbench::test::clipbench_exe;
using clipbench::test::run_command;
using clipbench::test::TempDir;

TEST_CASE("clipbench train writes an open_clip checkpoint and a log", "[unit]") {
  TempDir dir;
  std::ofstream csv(dir.file("pairs.csv"));
  csv << "image,caption\n";
  for (int i = 0; i < 4; ++i) {
    clipbench::test::PngSpec s;
    s.width = s.height = 28;
    s.rows.assign(28, std::vector<uint8_t>(28 * 3, static_cast<uint8_t>(60 * i)));
    clipbench::test::write_png_file(dir.file(std::to_string(i) + ".png"), s);
    csv << i << ".png,\"a photo of thing " << i << ", gray\"\n";
  }
  csv.close();
  const std::string vocab = clipbench::test::reference("openai-clip/bpe_simple_vocab_16e6.txt.gz");
  const auto r =
      run_command(clipbench_exe() + " train --pairs " + dir.file("pairs.csv") +
                  " --config tiny --steps 3 --batch-size 2 --threads 1 --seed 4 --vocab " + vocab +
                  " --out " + dir.file("run") + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto ck = clipbench::read_safetensors(dir.file("run/checkpoint.safetensors"));
  clipbench::CLIP model = clipbench::build_model(ck.tensors, "checkpoint");
  CHECK(model->config() == clipbench::train::train_config("tiny").model);
  std::ifstream log(dir.file("run/train_log.jsonl"));
  std::string line;
  int lines = 0;
  while (std::getline(log, line)) {
    const auto j = nlohmann::json::parse(line);
    CHECK(j.at("step").get<int>() == ++lines);
    for (const char* key : {"loss", "lr", "scale", "seconds"}) CHECK(j.contains(key));
  }
  CHECK(lines == 3);
  std::ifstream copied(dir.file("run/bpe_simple_vocab_16e6.txt.gz"));
  CHECK(copied.good());
}

TEST_CASE("clipbench train rejects unknown configs and oversized batches", "[unit]") {
  TempDir dir;
  std::ofstream(dir.file("pairs.csv")) << "image,caption\nx.png,a\n";
  const std::string vocab = clipbench::test::reference("openai-clip/bpe_simple_vocab_16e6.txt.gz");
  const std::string base = clipbench_exe() + " train --pairs " + dir.file("pairs.csv") +
                           " --vocab " + vocab + " --out " + dir.file("run");
  const auto unknown = run_command(base + " --config tinny 2>&1");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.out, Catch::Contains("tiny"));
  const auto batch = run_command(base + " --batch-size 5 2>&1");
  CHECK(batch.exit_code == 2);
  CHECK_THAT(batch.out, Catch::Contains("batch size 5"));
}

TEST_CASE("the training configs registry parses and validates", "[unit]") {
  const auto& configs = clipbench::train::train_configs();
  REQUIRE_FALSE(configs.empty());
  CHECK(clipbench::train::train_config(clipbench::train::demo_config_name()).name ==
        clipbench::train::demo_config_name());
  for (const auto& t : clipbench::train::demo_caption_templates())
    CHECK(t.find("{}") != std::string::npos);
  CHECK_THROWS_WITH(clipbench::train::train_config("tinny"), Catch::Contains("tiny"));
}
