// UCF101 action recognition as images: the original videos (UCF-101/ + ucfTrainTestlist/) or a
// folder of pre-extracted middle frames.
#pragma once

#include <memory>

#include "datasets/dataset.h"
#include "datasets/format_registry.h"

namespace clipbench::datasets {

// Format "ucf101-video". request.root is the UCF-101 folder of the original release:
//   UCF-101/<Class>/v_<Class>_gXX_cYY.avi
//   ucfTrainTestlist/classInd.txt      "<k> <Class>", k = 1..101: label k - 1 (the order of
//                                      prompts/ucf101.json)
//   ucfTrainTestlist/trainlist01.txt   "<Class>/<video>.avi <k>"
//   ucfTrainTestlist/testlist01.txt    "<Class>/<video>.avi"
// ucfTrainTestlist is looked for inside the UCF-101 folder, then next to it. Splits "train" and
// "test" are the official split 1 (9537 / 3783 videos; the paper's Table 9 lists 9537 / 1794 and
// does not say which 1794 test videos it used). get() returns the middle frame as RGB pixels
// (needs OpenCV: without it, get() throws DatasetError saying so; the format stays registered).
// Throws DatasetError for a missing list file, a class not in classInd, a trainlist label that
// disagrees with the folder's class, or a listed video that does not exist.
std::unique_ptr<Dataset> open_ucf101_video(const OpenRequest& request);

// Format "ucf101-frames". request.root is ucf101_frames: <split>/<Class>/<video>.jpg, one
// extracted middle frame per video (e.g. written by `ffmpeg` or this adapter). Classes from
// ucf101_frames/classInd.txt when present, else the folders matched to the catalogue's names
// (ignoring case, spaces and punctuation: "ApplyEyeMakeup" = "Apply Eye Makeup"), else sorted.
// Splits "train", "test".
std::unique_ptr<Dataset> open_ucf101_frames(const OpenRequest& request);

}  // namespace clipbench::datasets
